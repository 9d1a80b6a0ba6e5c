// The customer's app: it submits two videos with its webhook URL as the callback, asks the
// provider's delivery log how each webhook went (a held request, answered once delivery is
// settled), then reads the emails its own backend (the receiver) sent.
export default async function main(provider: URL, env: SandboxEnv): Promise<void> {
  const callbackUrl = new URL('/webhooks', env.hosts.receiver).href;
  const ids: number[] = [];
  for (const [title, seconds] of [
    ['intro.mp4', 10],
    ['holiday.mp4', 120],
  ] as const) {
    const response = await fetch(new URL('/videos', provider), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title, seconds, callbackUrl }),
    });
    const { id } = (await response.json()) as { id: number };
    console.log(`${response.status} ${title}: video ${id}, the provider will call us back`);
    ids.push(id);
  }
  for (const id of ids) {
    // One held request per video: the provider answers when the delivery is settled.
    const response = await fetch(new URL(`/videos/${id}?wait`, provider));
    const status = (await response.json()) as { title: string; delivery: string; attempts: number };
    console.log(`${status.title}: webhook ${status.delivery} after ${status.attempts} attempt(s)`);
  }
  // One email per video is what should have gone out; the receiver answers once it has.
  const inbox = new URL(`/emails?atLeast=${ids.length}`, env.hosts.receiver);
  const emails = (await (await fetch(inbox)).json()) as Array<{
    webhookId: string;
    subject: string;
  }>;
  console.log(`emails sent: ${emails.map((email) => email.subject).join('; ')}`);
  const duplicates = emails.length - new Set(emails.map((email) => email.webhookId)).size;
  if (duplicates > 0) {
    console.warn(`${duplicates} duplicate email(s): a redelivered webhook was handled again`);
  }
}
