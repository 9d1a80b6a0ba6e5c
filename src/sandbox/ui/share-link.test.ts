import { describe, expect, it } from 'vitest';
import {
  MAX_LINK_LENGTH,
  decodeShare,
  encodeShare,
  shareLink,
  sharedSandbox,
  type ShareTarget,
} from './share-link';

const target: ShareTarget = {
  id: 'short-polling',
  files: ['client.ts', 'server.ts'],
  params: { intervalMs: { min: 100, max: 5000 } },
};
const PAGE = 'https://example.org/bcp/patterns/short-polling/';
const edited = 'export default async function main() {\n  console.log("ünïcode ✓");\n}\n';

async function fragmentOf(files: Record<string, unknown>, params: Record<string, unknown> = {}) {
  return encodeShare({
    sandbox: target.id,
    files: files as Record<string, string>,
    params: params as Record<string, number>,
  });
}

describe('share links', () => {
  it('carry edited files and knob values through the fragment and back', async () => {
    const link = await shareLink(PAGE, {
      sandbox: target.id,
      files: { 'client.ts': edited },
      params: { intervalMs: 250 },
    });
    if (!link.ok) throw new Error(link.reason);
    const url = new URL(link.url);
    expect(url.pathname).toBe('/bcp/patterns/short-polling/');
    expect(sharedSandbox(url.hash)).toBe('short-polling');
    expect(url.hash).toMatch(/^#sandbox=short-polling&v=1&code=[A-Za-z0-9_-]+$/);
    expect(await decodeShare(url.hash, target)).toEqual({
      ok: true,
      code: {
        sandbox: 'short-polling',
        files: { 'client.ts': edited },
        params: { intervalMs: 250 },
      },
    });
  });

  it('keep only the sandbox’s own files and clamp knobs to their range', async () => {
    const fragment = await fragmentOf(
      { 'client.ts': 'x', '../../etc/passwd': 'y', 'server.ts': 3 },
      {},
    );
    expect(await decodeShare(fragment, target)).toMatchObject({ ok: false });
    const clamped = await fragmentOf(
      { 'client.ts': 'x', 'evil.ts': 'y' },
      { intervalMs: 1e9, other: 1, nan: 'x' },
    );
    expect(await decodeShare(clamped, target)).toEqual({
      ok: true,
      code: { sandbox: 'short-polling', files: { 'client.ts': 'x' }, params: { intervalMs: 5000 } },
    });
    const foreign = await fragmentOf({ 'worker.ts': 'y' });
    expect(await decodeShare(foreign, target)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/files this sandbox does not have \(worker\.ts\)/),
    });
  });

  it('say why a truncated, garbled or future-version link shows the chapter’s code', async () => {
    const fragment = await fragmentOf({ 'client.ts': edited.repeat(20) });
    const damaged = /^This link is damaged/;
    expect(await decodeShare(fragment.slice(0, -12), target)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(damaged),
    });
    expect(await decodeShare(fragment.replace(/code=./, 'code=%'), target)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(damaged),
    });
    expect(await decodeShare('sandbox=short-polling&v=1&code=', target)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(damaged),
    });
    expect(await decodeShare(fragment.replace('v=1', 'v=2'), target)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/newer version of this site/),
    });
  });

  it('refuse to unpack more than a sandbox holds', async () => {
    const bomb = await fragmentOf({ 'client.ts': 'a'.repeat(2_000_000) });
    expect(bomb.length).toBeLessThan(MAX_LINK_LENGTH);
    expect(await decodeShare(bomb, target)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/more code than a sandbox holds/),
    });
  });

  it('refuse to make a link longer than chat apps and mail keep, and say so', async () => {
    let noise = '';
    for (let i = 0; noise.length < 20_000; i++) noise += Math.sin(i).toString(36).slice(2);
    const link = await shareLink(PAGE, {
      sandbox: target.id,
      files: { 'client.ts': noise },
      params: {},
    });
    expect(link).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/too large to share as a link/),
    });
  });
});
