/**
 * Client code the bench pastes into the Request–Response sandbox. Each is plain sandbox code, so the
 * same text runs in the page and in Node.
 */

/** `count` sequential POSTs; prints how many per second the client managed, as `rps=<n>`. */
export const sequentialPosts = (
  count: number,
): string => `export default async function main(server: URL) {
  const start = performance.now();
  for (let i = 0; i < ${count}; i++) {
    const response = await fetch(new URL('/uploads', server), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'cat.png', sizeBytes: 1000 }),
    });
    await response.text();
  }
  console.log('rps=' + Math.round(${count} / ((performance.now() - start) / 1000)));
}
`;

/** `clients` simultaneous clients, each making `each` POSTs one after another. */
export const simultaneousClients = (
  clients: number,
  each: number,
): string => `export default async function main(server: URL) {
  await Promise.all(Array.from({ length: ${clients} }, async () => {
    for (let i = 0; i < ${each}; i++) {
      const response = await fetch(new URL('/uploads', server), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fileName: 'cat.png', sizeBytes: 1000 }),
      });
      await response.text();
    }
  }));
  console.log('done');
}
`;

export const endlessLoop = 'export default async function main() {\n  while (true) {}\n}\n';
