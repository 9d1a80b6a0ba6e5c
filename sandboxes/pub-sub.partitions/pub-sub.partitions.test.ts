import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import { assign, Topic } from './log.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const CONSUMERS = ['consumer-1', 'consumer-2', 'consumer-3', 'consumer-4'];

/** Runs the sandbox over real sockets, with params set as a reader sets them in the page. */
const runWith = (params: Record<string, number> = {}): Promise<HarnessResult> =>
  runSandboxInNode(dir, { timeoutMs: 15_000, params });

const said = (run: HarnessResult, host: string) =>
  run.logs.filter((line) => line.host === host).map((line) => line.text);
/** What each consumer handled, as "p<partition>@<offset> <image> <event>" lines. */
const handled = (run: HarnessResult, consumer: string) =>
  said(run, consumer).filter((line) => /^p\d+@\d+ /.test(line));

describe('a partitioned topic over real sockets, with the defaults (3 partitions, 4 members)', () => {
  let run: HarnessResult;
  beforeAll(async () => {
    run = await runWith();
  }, 20_000);

  it('runs cleanly, and every member stops once the group has caught up', () => {
    expect(run.logs.filter((line) => line.level !== 'log')).toEqual([]);
    for (const consumer of CONSUMERS) {
      expect(said(run, consumer).at(-1)).toBe('the group has caught up and the topic is closed');
    }
  });

  it('gives each partition to one member, and the member beyond the partition count nothing', () => {
    expect(said(run, 'broker')).toEqual([
      'group thumbnails, 4 members, 3 partitions: consumer-1 ← p0; consumer-2 ← p1; consumer-3 ← p2; consumer-4 idle',
    ]);
    expect(said(run, 'consumer-4')[0]).toBe('no partition left for me: idle');
    expect(handled(run, 'consumer-4')).toEqual([]);
    for (const [index, consumer] of CONSUMERS.slice(0, 3).entries()) {
      const partitions = new Set(handled(run, consumer).map((line) => line.split('@')[0]));
      expect([...partitions]).toEqual([`p${index}`]);
    }
  });

  it('keeps each image’s events in order, each record handled once, offsets without gaps', () => {
    const all = CONSUMERS.flatMap((consumer) => handled(run, consumer));
    expect(all).toHaveLength(12);
    expect(all.filter((line) => line.includes('out of order'))).toEqual([]);
    for (const image of ['img-1', 'img-2', 'img-3', 'img-4']) {
      const events = all.filter((line) => line.includes(` ${image} `)).map((l) => l.split(' ')[2]);
      expect(events, image).toEqual(['uploaded', 'resized', 'tagged']);
    }
    const offsets = handled(run, 'consumer-1').map((line) => Number(/@(\d+)/.exec(line)?.[1]));
    expect(offsets).toEqual([0, 1, 2, 3, 4, 5]); // p0 holds img-2 and img-4
  });

  it('shows lag as the health signal: only the slow member’s partition stays behind', () => {
    const lines = said(run, 'lag-monitor');
    expect(lines.at(-1)).toBe('the broker says: the group has caught up');
    const reports = lines
      .slice(0, -1)
      .map((line) =>
        [...line.matchAll(/p(\d) (\d+) \(([\w-]+)\)/g)].map(([, , lag]) => Number(lag)),
      );
    // One report for the burst, then one per commit: 12 records, 12 commits.
    expect(reports).toHaveLength(13);
    // The burst leaves 6, 3, 3 when it ends before the group's first fetch; a loaded machine may let
    // members commit first, but p0, behind the slow member, always has the most left.
    const [first = []] = reports;
    expect(first[0]).toBe(Math.max(...first));
    expect(first[0]).toBeGreaterThan(0);
    // p1 and p2 drain while p0, behind the slow consumer-1, has more than half of its 6 records
    // left (at the fast members' pace it would have 3). Usually it has not moved at all, but a
    // loaded machine may let consumer-1 commit once or twice first.
    const drained = reports.find(([, p1, p2]) => p1 === 0 && p2 === 0);
    expect(drained?.[0]).toBeGreaterThan(3);
    expect(reports.at(-1)).toEqual([0, 0, 0]);
    expect(lines.at(-2)).toBe('lag: p0 0 (consumer-1) · p1 0 (consumer-2) · p2 0 (consumer-3)');
  });
});

describe('partitions cap the group’s parallelism, over real sockets', () => {
  it('with 1 partition, one member does all the work and three sit idle', async () => {
    const run = await runWith({ partitions: 1, slowConsumerMs: 20 });
    expect(handled(run, 'consumer-1')).toHaveLength(12);
    for (const consumer of CONSUMERS.slice(1)) {
      expect(said(run, consumer)[0]).toBe('no partition left for me: idle');
    }
  }, 20_000);

  it('with 4 partitions, every member has one', async () => {
    const run = await runWith({ partitions: 4, slowConsumerMs: 20 });
    for (const consumer of CONSUMERS) {
      expect(handled(run, consumer).length, consumer).toBeGreaterThan(0);
    }
  }, 20_000);
});

describe('the log and the assignor on their own', () => {
  it('puts every record of one key in one partition, at consecutive offsets', () => {
    const topic = new Topic(3);
    const records = ['a', 'b', 'a', 'c', 'a'].map((key, n) => topic.append(key, `e${n}`));
    const of = (key: string) => records.filter((record) => record.key === key);
    expect(new Set(of('a').map((record) => record.partition)).size).toBe(1);
    const log = topic.logs[of('a')[0]?.partition ?? -1] ?? [];
    expect(log.filter((r) => r.key === 'a').map((r) => r.event)).toEqual(['e0', 'e2', 'e4']);
    expect(log.map((record) => record.offset)).toEqual(log.map((_, index) => index));
    expect(topic.endOffsets().reduce((sum, end) => sum + end, 0)).toBe(5);
  });

  it('assigns ranges of partitions in member order, extra partitions to the first members', () => {
    expect(Object.fromEntries(assign(['b', 'a'], 5))).toEqual({ a: [0, 1, 2], b: [3, 4] });
    expect(Object.fromEntries(assign(['a', 'b', 'c'], 2))).toEqual({ a: [0], b: [1], c: [] });
  });
});
