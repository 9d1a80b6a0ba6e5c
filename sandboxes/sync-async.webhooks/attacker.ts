// Someone who found one real delivery from months ago (in a leaked log, say) and does not know the
// secret. Three tries against the receiver; each should be refused with 401.
const captured = {
  id: 'msg_7',
  timestamp: '1767225600', // 2026-01-01T00:00:00Z
  body: '{"type":"video.ready","data":{"videoId":7,"title":"payroll.mp4","seconds":30,"file":"/files/7-720p.mp4"}}',
  signature: 'v1,TX0NAFjrT2rlXIJZeMY8x/VodINZw+Eb4XG7ldOuzM4=', // valid for exactly these bytes
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default async function main(_provider: URL, env: SandboxEnv): Promise<void> {
  await sleep(1000); // after the receiver's deploy
  const now = String(Math.floor(Date.now() / 1000));
  const tries: Array<[label: string, timestamp: string, body: string, signature: string]> = [
    ['replay as captured', captured.timestamp, captured.body, captured.signature],
    ['replay with a fresh timestamp', now, captured.body, captured.signature],
    [
      'forged event, guessed signature',
      now,
      captured.body.replace('payroll', 'invoice'),
      'v1,' + btoa('not the secret'),
    ],
  ];
  for (const [label, timestamp, body, signature] of tries) {
    const response = await fetch(new URL('/webhooks', env.hosts.receiver), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': captured.id,
        'webhook-timestamp': timestamp,
        'webhook-signature': signature,
      },
      body,
    });
    const { error } = (await response.json()) as { error?: string };
    console.log(`${label}: ${response.status}${error ? ` (${error})` : ''}`);
  }
}
