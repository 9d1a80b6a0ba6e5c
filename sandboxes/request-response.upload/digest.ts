// SHA-256 with WebCrypto, written as an RFC 9530 Content-Digest field: sha-256=:<base64>:
export async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return btoa(String.fromCharCode(...hash));
}

export const contentDigest = (base64: string): string => `sha-256=:${base64}:`;

/** The base64 SHA-256 from a Content-Digest header, or undefined when it has none. */
export function readContentDigest(header: string | null): string | undefined {
  return /(?:^|,)\s*sha-256=:([A-Za-z0-9+/]+={0,2}):/.exec(header ?? '')?.[1];
}
