// The deploy tool: while job 3 is being worked on by app-1, it asks app-1 to restart.
const DEPLOY_AT_MS = 1250;

export default async function main(_lb: URL, env: SandboxEnv): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, DEPLOY_AT_MS));
  const response = await fetch(new URL('/drain', env.hosts['app-1']), { method: 'POST' });
  const { state } = (await response.json()) as { state: string };
  console.log(`asked app-1 to restart: ${response.status}, it is ${state}`);
}
