// The CI system: it reports build #1287's progress to the server (directly, not through the proxy).
// Messages come about 700 ms apart, except two that land while the dashboard is busy handling
// the previous answer, in the reconnect gap, when no poll is waiting at the server.
const steps: Array<[waitMs: number, text: string]> = [
  [700, 'build #1287 queued'],
  [700, 'compiling'],
  [700, 'running 214 tests'],
  [150, '3 tests skipped'], // in the gap
  [100, 'coverage 87%'], // in the gap too
  [700, 'tests passed'],
  [700, 'deployed to staging'],
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default async function main(_proxy: URL, env: SandboxEnv): Promise<void> {
  for (const [index, [waitMs, text]] of steps.entries()) {
    await sleep(waitMs);
    const done = index === steps.length - 1;
    const response = await fetch(new URL('/messages', env.hosts.server), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, done }),
    });
    const { id } = (await response.json()) as { id: number };
    console.log(`published #${id} "${text}"`);
  }
}
