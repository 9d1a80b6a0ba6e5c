// A signed token in the shape of a JWT (RFC 7519): base64url(header).base64url(payload).signature,
// where the signature is HMAC-SHA256 over the first two parts ("HS256"), computed with WebCrypto.
export interface Claims {
  sub: string;
  role: string;
  iat: number;
  exp: number;
}

const utf8 = new TextEncoder();

export async function sign(claims: Claims, secret: string): Promise<string> {
  const unsigned = `${encodePart({ alg: 'HS256', typ: 'JWT' })}.${encodePart(claims)}`;
  const signature = await crypto.subtle.sign('HMAC', await key(secret), utf8.encode(unsigned));
  return `${unsigned}.${base64url(new Uint8Array(signature))}`;
}

/** The claims if the token is genuine and unexpired, otherwise the reason it is not. */
export async function verify(token: string, secret: string): Promise<Claims | string> {
  // Anyone can send anything as a token: each part must decode before it is asked a question.
  const [header = '', payload = '', signature = ''] = token.split('.');
  const [fields, claims, mac] = [decodePart(header), decodePart(payload), fromBase64url(signature)];
  if (!fields || !claims || !mac) return 'not a token';
  // Accept only the algorithm we sign with: a token that says "alg": "none" must not pass.
  if (fields.alg !== 'HS256') return 'unexpected algorithm';
  const genuine = await crypto.subtle.verify(
    'HMAC',
    await key(secret),
    mac,
    utf8.encode(`${header}.${payload}`),
  );
  if (!genuine) return 'the signature does not match';
  const ours = claims as Partial<Claims> as Claims; // genuine: the claims sign() was given
  if (ours.exp * 1000 < Date.now()) return 'the token has expired';
  return ours;
}

/**
 * Header and payload are only encoded, not encrypted: anyone holding the token can read them.
 * A part that is not base64url of a JSON object decodes to undefined.
 */
export function decodePart(part: string): Record<string, unknown> | undefined {
  const bytes = fromBase64url(part);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined; // not JSON
  }
}

export function encodePart(value: unknown): string {
  return base64url(utf8.encode(JSON.stringify(value)));
}

function key(secret: string): Promise<CryptoKey> {
  const algorithm = { name: 'HMAC', hash: 'SHA-256' };
  return crypto.subtle.importKey('raw', utf8.encode(secret), algorithm, false, ['sign', 'verify']);
}

function base64url(bytes: Uint8Array): string {
  const base64 = btoa(String.fromCharCode(...bytes));
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes, or undefined when `text` is not base64url (atob would throw). */
function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[\w-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
