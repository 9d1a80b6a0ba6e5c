// Webhook signatures as the Standard Webhooks specification defines them: HMAC-SHA256 over
// "<webhook-id>.<webhook-timestamp>.<body>", keyed with the base64 secret after "whsec_", sent as
// "v1,<base64 signature>". Several space-separated signatures are allowed, so a secret can be rotated.

/** Shared by the provider and the receiver, and never sent over the network. */
export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const bytes = (base64: string) => Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));

async function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  const raw = bytes(secret.replace(/^whsec_/, ''));
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

const signedContent = (id: string, timestamp: string, body: string) =>
  new TextEncoder().encode(`${id}.${timestamp}.${body}`);

/** The value of a webhook-signature header for one delivery. */
export async function sign(id: string, timestamp: string, body: string, secret = SECRET) {
  const key = await hmacKey(secret, 'sign');
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, signedContent(id, timestamp, body)),
  );
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}

/** Whether any v1 signature in the header matches. crypto.subtle.verify takes the same time for
 * every wrong signature, unlike ===, which would tell an attacker how many leading bytes were right. */
export async function verify(id: string, timestamp: string, body: string, header: string) {
  const key = await hmacKey(SECRET, 'verify');
  for (const part of header.split(' ')) {
    const [version, value = ''] = part.split(',');
    if (version !== 'v1' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) continue;
    if (await crypto.subtle.verify('HMAC', key, bytes(value), signedContent(id, timestamp, body))) {
      return true;
    }
  }
  return false;
}
