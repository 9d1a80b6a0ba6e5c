// A user's jobs, one after another through the load balancer, while a deploy restarts app-1.
export default async function main(lb: URL): Promise<void> {
  const failed: string[] = [];
  for (let job = 1; job <= 8; job++) {
    const response = await fetch(new URL('/work', lb), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ job }),
    });
    const { instance, error } = (await response.json()) as Record<string, string>;
    if (!response.ok) failed.push(`#${job} ${response.status}`);
    const what = response.ok ? 'done' : `${response.status} ${error}`;
    console.log(`job ${job}: ${instance ?? 'lb'} ${what}`);
  }
  console.log(
    `8 jobs: ${8 - failed.length} done, ${failed.length ? `failed ${failed.join(', ')}` : 'none failed'}`,
  );
}
