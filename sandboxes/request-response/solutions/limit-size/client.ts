// One way to pass "Refuse bodies over 1 KB with 413": a small body, then one of about 2 KB.
export default async function main(server: URL): Promise<void> {
  for (const fileName of ['cat.png', `${'very-'.repeat(400)}long-name.png`]) {
    const body = JSON.stringify({ fileName, sizeBytes: 48213 });
    const response = await fetch(new URL('/uploads', server), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    console.log(`${body.length} bytes → ${response.status}`, await response.json());
  }
}
