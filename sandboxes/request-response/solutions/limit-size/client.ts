// One way to pass "Refuse uploads over 5 MB with 413": a small upload, then one that is too big.
export default async function main(server: URL): Promise<void> {
  for (const sizeBytes of [48213, 6_000_000]) {
    const response = await fetch(new URL('/uploads', server), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'cat.png', sizeBytes }),
    });
    console.log(`${sizeBytes} bytes → ${response.status}`, await response.json());
  }
}
