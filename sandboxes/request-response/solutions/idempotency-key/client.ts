// One way to pass "Make a retried POST safe with an Idempotency-Key": the same POST, sent twice.
export default async function main(server: URL): Promise<void> {
  const key = crypto.randomUUID();
  for (const attempt of [1, 2]) {
    const response = await fetch(new URL('/uploads', server), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ fileName: 'cat.png', sizeBytes: 48213 }),
    });
    console.log(`attempt ${attempt}: ${response.status}`, await response.json());
  }
}
