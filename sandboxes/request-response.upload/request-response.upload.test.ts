import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import type { TraceEvent } from '#trace/events';
import { contentDigest, sha256 } from './digest.ts';
import { imageSize } from './image-size.ts';
import { makePng } from './png.ts';
import server from './server.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
type Request = Extract<TraceEvent, { kind: 'request' }>;

/** Each request as "METHOD path → status" ("no response" when the connection dropped). */
function exchanges(trace: TraceEvent[]): string[] {
  return trace
    .filter((event): event is Request => event.kind === 'request')
    .map((request) => {
      const answer = trace.find(
        (event) => event.kind === 'response' && event.exchange === request.exchange,
      );
      const status = answer?.kind === 'response' ? answer.status : 'no response';
      return `${request.method} ${new URL(request.url).pathname} → ${status}`;
    });
}
const bytesUp = (trace: TraceEvent[], path: RegExp) =>
  trace
    .filter((event): event is Request => event.kind === 'request')
    .filter((event) => path.test(new URL(event.url).pathname))
    .reduce((sum, event) => sum + event.bodySize, 0);

describe('the upload sandbox over real sockets', () => {
  let run: HarnessResult;
  const client = () => run.logs.filter((line) => line.host === 'client').map((line) => line.text);

  beforeAll(async () => {
    run = await runSandboxInNode(dir);
  }, 20_000);

  it('restarts the single upload from byte 0 after the drop, and resumes the parted one', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    expect(exchanges(run.trace)).toEqual([
      'POST /images → no response',
      'POST /images → 201',
      'POST /uploads → 201',
      'PUT /uploads/u1/parts/1 → 200',
      'PUT /uploads/u1/parts/2 → 200',
      'PUT /uploads/u1/parts/3 → 200',
      'PUT /uploads/u1/parts/4 → no response',
      'GET /uploads/u1 → 200',
      'PUT /uploads/u1/parts/4 → 200',
      'PUT /uploads/u1/parts/5 → 200',
      'PUT /uploads/u1/parts/6 → 200',
      'POST /uploads/u1/complete → 201',
    ]);
    expect(client()).toContain(
      'part 4: connection lost; the server has parts [1, 2, 3], resuming at part 4',
    );
  });

  it('costs the single upload twice the image, the parted one the image plus one part', () => {
    const size = 192_278;
    expect(client()[0]).toContain(`${size} bytes`);
    expect(bytesUp(run.trace, /^\/images$/)).toBe(2 * size);
    expect(bytesUp(run.trace, /\/parts\//)).toBe(size + 32 * 1024);
  });

  it('reports the width and height read from the PNG header, after checking the SHA-256', () => {
    const stored = client().filter((line) => line.includes('201'));
    expect(stored).toHaveLength(2);
    for (const line of stored) expect(line).toMatch(/width: 320, height: 200, bytes: 192278/);
  });

  it('sends an image over the limit in parts only: one request gets 413 with a reason', async () => {
    const big = await runSandboxInNode(dir, { params: { widthPx: 800, dropAtPercent: 0 } });
    const lines = exchanges(big.trace);
    expect(lines[0]).toBe('POST /images → 413');
    expect(lines.at(-1)).toBe('POST /uploads/u1/complete → 201');
    expect(lines.filter((line) => line.startsWith('PUT'))).toHaveLength(37);
    expect(big.logs.map((line) => line.text).join('\n')).toContain(
      'a request may carry at most 1048576 bytes; send the image in parts (this one declares 1200658)',
    );
  }, 20_000);
});

describe('the upload server on its own', () => {
  afterEach(() => vi.restoreAllMocks());
  const env = { hosts: {}, params: { dropAtPercent: 0, uplinkKBps: 4096 } };
  const call = async (method: string, path: string, init: RequestInit = {}) => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const response = await server.fetch(
      new Request(`http://server.test${path}`, { method, ...init }),
      env,
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const image = makePng(40, 25);
  const start = async (partSize = 1000) =>
    call('POST', '/uploads', {
      body: JSON.stringify({ size: image.byteLength, partSize, digest: await sha256(image) }),
    });

  it('answers an unknown upload id with 404 and a reason', async () => {
    const response = await call('PUT', '/uploads/nope/parts/1', { body: 'x' });
    expect(response).toEqual({
      status: 404,
      body: { error: 'no upload "nope": start one with POST /uploads' },
    });
  });

  it('refuses a part number out of range', async () => {
    const { body } = await start();
    for (const part of ['0', '5', 'two']) {
      const response = await call('PUT', `/uploads/${String(body.id)}/parts/${part}`, {
        body: 'x',
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatch(
        /^part .+ is out of range: upload u\d+ has parts 1 to 4$/,
      );
    }
  });

  it('refuses a part whose bytes do not match their Content-Digest, and takes a repeat', async () => {
    const { body } = await start();
    const part = image.subarray(0, 1000);
    const put = (digest: string) =>
      call('PUT', `/uploads/${String(body.id)}/parts/1`, {
        headers: { 'content-digest': contentDigest(digest) },
        body: part,
      });
    const wrong = await put(await sha256(image));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatch(/do not match their Content-Digest/);
    expect((await put(await sha256(part))).status).toBe(200);
    expect((await put(await sha256(part))).status).toBe(200);
    const state = await call('GET', `/uploads/${String(body.id)}`);
    expect(state.body).toMatchObject({ received: [1], missing: [2, 3, 4] });
    const early = await call('POST', `/uploads/${String(body.id)}/complete`);
    expect(early).toEqual({
      status: 409,
      body: { error: `upload ${String(body.id)} is missing parts 2, 3, 4` },
    });
  });

  it('refuses a body over 1 MB with 413 from its Content-Length, before reading it', async () => {
    const response = await call('POST', '/images', {
      headers: { 'content-length': String(2 * 1024 * 1024) },
      body: image,
    });
    expect(response.status).toBe(413);
    expect(response.body.error).toMatch(/at most 1048576 bytes/);
  });

  it('refuses a whole image whose checksum does not match, with both checksums', async () => {
    const response = await call('POST', '/images', {
      headers: { 'content-digest': contentDigest(await sha256(new Uint8Array([1]))) },
      body: image,
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/^checksum mismatch: expected sha-256 .+, got .+$/);
  });

  it('reads the size of a JPEG too', async () => {
    const jpeg = new Uint8Array(await sharp(image).jpeg().toBuffer());
    const response = await call('POST', '/images', {
      headers: { 'content-digest': contentDigest(await sha256(jpeg)) },
      body: jpeg,
    });
    expect(response).toMatchObject({
      status: 201,
      body: { type: 'image/jpeg', width: 40, height: 25 },
    });
    expect(imageSize(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });
});
