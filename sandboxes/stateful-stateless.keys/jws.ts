// Compact JWS with ES256 (RFC 7515, RFC 7518 §3.4): base64url(header).base64url(payload).signature,
// where the header names the key with "kid" (RFC 7515 §4.1.4) so a verifier can pick it from a set.
export interface Claims {
  sub: string;
  iat: number;
  exp: number;
}
export interface Header {
  alg: string;
  typ?: string;
  kid?: string;
}
/** A public key as a JWK (RFC 7517 §4), with the kid tokens name it by. */
export type PublicJwk = JsonWebKey & { kid: string; alg: 'ES256'; use: 'sig' };

export const ES256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const utf8 = new TextEncoder();

export async function sign(claims: Claims, kid: string, key: CryptoKey): Promise<string> {
  const unsigned = `${encodePart({ alg: 'ES256', typ: 'JWT', kid })}.${encodePart(claims)}`;
  const signature = await crypto.subtle.sign(ES256, key, utf8.encode(unsigned));
  return `${unsigned}.${base64url(new Uint8Array(signature))}`;
}

/** Checks the signature with `key`: true only if this key signed exactly these two parts. */
export async function signedBy(token: string, key: CryptoKey): Promise<boolean> {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const mac = fromBase64url(signature);
  if (!mac) return false;
  return crypto.subtle.verify(ES256, key, mac, utf8.encode(`${header}.${payload}`));
}

/**
 * The header and claims, decoded (not verified): anyone holding the token can read them. Anything
 * can arrive as a token, so a part that is not base64url of a JSON object means "not a token".
 */
export function readToken(token: string): { header: Header; claims: Claims } | undefined {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const [fields, claims] = [decodePart(header), decodePart(payload)];
  if (!fields || !claims || !signature) return undefined;
  return {
    header: fields as Partial<Header> as Header,
    claims: claims as Partial<Claims> as Claims,
  };
}

export function encodePart(value: unknown): string {
  return base64url(utf8.encode(JSON.stringify(value)));
}

function decodePart(part: string): Record<string, unknown> | undefined {
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
