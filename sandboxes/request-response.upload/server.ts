// An image upload service, two ways: the whole image in one POST, or a resumable upload in parts.
import { readContentDigest, sha256 } from './digest.ts';
import { createLink } from './flaky-link.ts';
import { imageSize } from './image-size.ts';

/** The most one request may carry; nginx's default client_max_body_size is 1 MB too. */
const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_PARTS = 10_000;

interface Upload {
  size: number;
  partSize: number;
  digest: string;
  parts: Map<number, Uint8Array<ArrayBuffer>>;
}
const uploads = new Map<string, Upload>();
let nextUpload = 1;
const link = createLink();

const fail = (status: number, error: string, headers?: HeadersInit): Response => {
  console.warn(`${status}: ${error}`);
  return Response.json({ error }, { status, headers });
};

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const { method } = request;
    const { pathname } = new URL(request.url);
    if (method === 'POST' && pathname === '/images') return receiveWhole(request, env);
    if (method === 'POST' && pathname === '/uploads') return startUpload(request);
    const match = /^\/uploads\/([^/]+)(?:\/parts\/([^/]+)|\/(complete))?$/.exec(pathname);
    if (!match) return fail(404, `nothing at ${pathname}`);
    const [, id = '', part, completes] = match;
    const upload = uploads.get(id);
    if (!upload) return fail(404, `no upload "${id}": start one with POST /uploads`);
    // HEAD answers as GET would, without the body (RFC 9110 §9.3.2).
    if ((method === 'GET' || method === 'HEAD') && !part && !completes) {
      return Response.json(progress(id, upload));
    }
    if (method === 'PUT' && part) return receivePart(request, env, id, upload, Number(part));
    if (method === 'POST' && completes) return complete(id, upload);
    // A 405 names the methods the resource does allow (RFC 9110 §15.5.6).
    const allow = part ? 'PUT' : completes ? 'POST' : 'GET, HEAD';
    return fail(405, `${pathname} allows ${allow}`, { allow });
  },
};

/** Reads a body up to the limit: a declared or actual size over it is refused with 413. */
async function readBody(request: Request): Promise<Uint8Array<ArrayBuffer> | Response> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  const tooLarge = `a request may carry at most ${MAX_REQUEST_BYTES} bytes; send the image in parts`;
  if (declared > MAX_REQUEST_BYTES) return fail(413, `${tooLarge} (this one declares ${declared})`);
  const bytes = new Uint8Array(await request.arrayBuffer());
  return bytes.byteLength > MAX_REQUEST_BYTES ? fail(413, tooLarge) : bytes;
}

/** One request: the image is stored only if every byte arrived and the checksum matches. */
async function receiveWhole(request: Request, env: SandboxEnv): Promise<Response> {
  const bytes = await readBody(request);
  if (bytes instanceof Response) return bytes;
  const range = { start: 0, size: bytes.byteLength, total: bytes.byteLength };
  if ((await link.carry(request, env, 'one request', range)) === 'dropped') return Response.error();
  return store(bytes, readContentDigest(request.headers.get('content-digest')));
}

async function startUpload(request: Request): Promise<Response> {
  const { size, partSize, digest } = ((await request.json().catch(() => ({}))) ?? {}) as Record<
    string,
    unknown
  >;
  if (!Number.isInteger(size) || (size as number) < 1)
    return fail(400, 'size must be a whole number of bytes');
  if (
    !Number.isInteger(partSize) ||
    (partSize as number) < 1 ||
    (partSize as number) > MAX_REQUEST_BYTES
  ) {
    return fail(400, `partSize must be between 1 and ${MAX_REQUEST_BYTES} bytes`);
  }
  if (Math.ceil((size as number) / (partSize as number)) > MAX_PARTS)
    return fail(400, `at most ${MAX_PARTS} parts`);
  if (typeof digest !== 'string')
    return fail(400, 'digest must be the base64 SHA-256 of the whole image');
  const id = `u${nextUpload++}`;
  uploads.set(id, { size: size as number, partSize: partSize as number, digest, parts: new Map() });
  const upload = uploads.get(id) as Upload;
  console.log(`upload ${id}: ${upload.size} bytes in ${partCount(upload)} parts`);
  return Response.json(progress(id, upload), {
    status: 201,
    headers: { location: `/uploads/${id}` },
  });
}

/** PUT of part n means "part n is these bytes": sending it twice stores the same thing. */
async function receivePart(
  request: Request,
  env: SandboxEnv,
  id: string,
  upload: Upload,
  part: number,
): Promise<Response> {
  const count = partCount(upload);
  if (!Number.isInteger(part) || part < 1 || part > count) {
    return fail(400, `part ${String(part)} is out of range: upload ${id} has parts 1 to ${count}`);
  }
  const bytes = await readBody(request);
  if (bytes instanceof Response) return bytes;
  const start = (part - 1) * upload.partSize;
  const expected = Math.min(upload.partSize, upload.size - start);
  if (bytes.byteLength !== expected)
    return fail(400, `part ${part} must be ${expected} bytes, got ${bytes.byteLength}`);
  const range = { start, size: bytes.byteLength, total: upload.size };
  if ((await link.carry(request, env, `upload ${id}`, range)) === 'dropped')
    return Response.error();
  const digest = readContentDigest(request.headers.get('content-digest'));
  if (digest !== undefined && digest !== (await sha256(bytes))) {
    return fail(
      400,
      `part ${part}: the bytes do not match their Content-Digest; send the part again`,
    );
  }
  const again = upload.parts.has(part);
  upload.parts.set(part, bytes);
  if (again) console.log(`upload ${id}: part ${part} again, same result (PUT is idempotent)`);
  return Response.json({ part, bytes: bytes.byteLength });
}

async function complete(id: string, upload: Upload): Promise<Response> {
  const { missing } = progress(id, upload);
  if (missing.length > 0) return fail(409, `upload ${id} is missing parts ${missing.join(', ')}`);
  const whole = new Uint8Array(upload.size);
  for (const [part, bytes] of upload.parts) whole.set(bytes, (part - 1) * upload.partSize);
  uploads.delete(id);
  return store(whole, upload.digest);
}

/** Checks the whole image against its SHA-256 and reads its size from the header. */
async function store(
  bytes: Uint8Array<ArrayBuffer>,
  digest: string | undefined,
): Promise<Response> {
  const actual = await sha256(bytes);
  if (digest === undefined)
    return fail(400, 'send the SHA-256 of the image (Content-Digest: sha-256=:…:)');
  if (digest !== actual)
    return fail(400, `checksum mismatch: expected sha-256 ${digest}, got ${actual}`);
  const info = imageSize(bytes);
  if (!info) return fail(415, 'not a PNG or JPEG image');
  console.log(`stored a ${info.width}×${info.height} ${info.type}, ${bytes.byteLength} bytes`);
  return Response.json({ ...info, bytes: bytes.byteLength, sha256: actual }, { status: 201 });
}

function partCount(upload: Upload): number {
  return Math.ceil(upload.size / upload.partSize);
}

function progress(id: string, upload: Upload) {
  const all = Array.from({ length: partCount(upload) }, (_, index) => index + 1);
  return {
    id,
    size: upload.size,
    partSize: upload.partSize,
    received: all.filter((part) => upload.parts.has(part)),
    missing: all.filter((part) => !upload.parts.has(part)),
  };
}
