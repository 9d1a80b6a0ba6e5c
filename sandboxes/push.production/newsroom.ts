// The newsroom publishes eight prices through edge-a; the hub hands each to both edges. After the
// third, it redeploys edge-b (a deploy tool would; it happens here so the demo's timing is fixed).
const PRICES = 8;

export default async function main(_target: URL, env: SandboxEnv): Promise<void> {
  const [edgeA, edgeB] = [env.hosts['edge-a'], env.hosts['edge-b']];
  if (!edgeA || !edgeB) throw new Error('this sandbox needs hosts named edge-a and edge-b');
  await sleep(300); // give the subscribers a moment to log in and connect
  for (let n = 1; n <= PRICES; n++) {
    const response = await fetch(new URL('/publish', edgeA), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: 'ACME', price: 100 + n / 4, last: n === PRICES }),
    });
    const { seq, edges } = (await response.json()) as { seq: number; edges: object };
    const reached = Object.entries(edges).map(([edge, what]) => `${edge}: ${String(what)}`);
    console.log(`#${seq} published; ${reached.join(', ')}`);
    if (n === 3) {
      await fetch(new URL('/redeploy', edgeB), { method: 'POST' });
      console.log('edge-b is being redeployed');
    }
    if (n < PRICES) await sleep(env.params.publishEveryMs ?? 500);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
