/**
 * The share link codec: a sandbox's edited files and knob values in a URL fragment, compressed with
 * `CompressionStream` ("deflate-raw"), base64url-encoded and versioned. The fragment never reaches a
 * server. Decoding trusts nothing: a damaged, truncated, oversized or future-version link becomes a
 * sentence that says why, and only files the sandbox has and numbers its knobs allow get through.
 * Pure apart from the web-standard streams, so it runs in the page and under test in Node.
 */
import { SHARE_KEY } from './share-fragment';

export { sharedSandbox } from './share-fragment';
/** The link format this code writes and reads. */
export const SHARE_VERSION = 1;
/** Longest link the page makes: chat apps, mail clients and browsers' address bars cut beyond ~8 KB. */
export const MAX_LINK_LENGTH = 8000;
/** Most text a link may unpack to, so a crafted link cannot make the page allocate without bound. */
const MAX_UNPACKED = 512 * 1024;

export interface SharedCode {
  sandbox: string;
  /** Edited files only: file name → full text. */
  files: Record<string, string>;
  /** Knob values by name. */
  params: Record<string, number>;
}

/** What the sandbox accepts from a link: its file names and its knobs' ranges. */
export interface ShareTarget {
  id: string;
  files: readonly string[];
  params: Record<string, { min: number; max: number }>;
}

export type ShareResult = { ok: true; code: SharedCode } | { ok: false; reason: string };

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
      c.charCodeAt(0),
    );
  } catch {
    return undefined;
  }
}

async function pipe(bytes: Uint8Array, stream: GenericTransformStream, limit = Infinity) {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new RangeError('too large');
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** The fragment (without "#") that carries `code`. */
export async function encodeShare(code: SharedCode): Promise<string> {
  const json = JSON.stringify({ files: code.files, params: code.params });
  const packed = await pipe(new TextEncoder().encode(json), new CompressionStream('deflate-raw'));
  const fragment = new URLSearchParams({ [SHARE_KEY]: code.sandbox, v: String(SHARE_VERSION) });
  return `${fragment.toString()}&code=${toBase64Url(packed)}`;
}

const DAMAGED =
  'This link is damaged (it may have been cut short when it was copied), so the chapter’s code is shown instead.';

/** Keeps only what `target` has: its files (as text) and its knobs (numbers, clamped to their range). */
function accept(target: ShareTarget, value: unknown): ShareResult {
  if (typeof value !== 'object' || value === null) return { ok: false, reason: DAMAGED };
  const { files, params } = value as { files?: unknown; params?: unknown };
  const code: SharedCode = { sandbox: target.id, files: {}, params: {} };
  const unknown: string[] = [];
  if (typeof files === 'object' && files !== null) {
    for (const [name, text] of Object.entries(files)) {
      if (typeof text !== 'string') return { ok: false, reason: DAMAGED };
      if (target.files.includes(name)) code.files[name] = text;
      else unknown.push(name);
    }
  }
  if (typeof params === 'object' && params !== null) {
    for (const [name, number] of Object.entries(params)) {
      const range = target.params[name];
      if (!range || typeof number !== 'number' || !Number.isFinite(number)) continue;
      code.params[name] = Math.min(range.max, Math.max(range.min, number));
    }
  }
  if (Object.keys(code.files).length === 0 && Object.keys(code.params).length === 0)
    return {
      ok: false,
      reason:
        unknown.length > 0
          ? `This link holds files this sandbox does not have (${unknown.slice(0, 3).join(', ')}), so the chapter’s code is shown instead.`
          : DAMAGED,
    };
  return { ok: true, code };
}

/** Reads a share fragment for `target`; never throws. */
export async function decodeShare(fragment: string, target: ShareTarget): Promise<ShareResult> {
  const query = new URLSearchParams(fragment.replace(/^#/, ''));
  const version = Number(query.get('v'));
  if (!Number.isInteger(version) || version < 1) return { ok: false, reason: DAMAGED };
  if (version > SHARE_VERSION)
    return {
      ok: false,
      reason:
        'This link was made by a newer version of this site than the one you are reading, so the chapter’s code is shown instead. Reload the page to get the newest version.',
    };
  const bytes = fromBase64Url(query.get('code') ?? '');
  if (!bytes || bytes.byteLength === 0) return { ok: false, reason: DAMAGED };
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(
      await pipe(bytes, new DecompressionStream('deflate-raw'), MAX_UNPACKED),
    );
  } catch (error) {
    return {
      ok: false,
      reason:
        error instanceof RangeError
          ? 'This link unpacks to more code than a sandbox holds, so the chapter’s code is shown instead.'
          : DAMAGED,
    };
  }
  try {
    return accept(target, JSON.parse(json));
  } catch {
    return { ok: false, reason: DAMAGED };
  }
}

/** A full link for `code` on `page`, or a sentence saying why it is too long to share. */
export async function shareLink(
  page: string,
  code: SharedCode,
): Promise<{ ok: true; url: string } | { ok: false; reason: string }> {
  const url = new URL(page);
  url.hash = await encodeShare(code);
  if (url.href.length <= MAX_LINK_LENGTH) return { ok: true, url: url.href };
  const kb = (url.href.length / 1000).toFixed(1);
  return {
    ok: false,
    reason: `Your edits are too large to share as a link: ${kb} thousand characters after compression, and links longer than ${MAX_LINK_LENGTH / 1000} thousand get cut by chat apps and mail. Open in StackBlitz shares the whole project instead.`,
  };
}
