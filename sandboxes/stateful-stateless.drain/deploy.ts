// The deploy tool: it asks app-1 to restart while app-1 works on job 3. So that the restart lands
// mid-request on a fast machine and a slow one alike, it first waits for app-1 to say it has begun
// job 3 (GET /jobs/3/started, held until then). A real deploy comes whenever it comes, and finds
// whatever requests happen to be in flight.
export default async function main(_lb: URL, env: SandboxEnv): Promise<void> {
  const app1 = env.hosts['app-1'];
  const { started } = (await (await fetch(new URL('/jobs/3/started', app1))).json()) as {
    started: boolean;
  };
  if (!started) return console.warn('app-1 never began job 3: no deploy');
  const response = await fetch(new URL('/drain', app1), { method: 'POST' });
  const { state } = (await response.json()) as { state: string };
  console.log(`app-1 began job 3; asked it to restart: ${response.status}, it is ${state}`);
}
