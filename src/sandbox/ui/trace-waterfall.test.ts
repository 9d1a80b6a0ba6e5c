import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../trace/events';
import { TraceModel } from '../trace/trace-model';
import { renderWaterfall, tickStep, waterfallRows } from './trace-waterfall';
import type { SvgNode } from './trace-svg';

const request = (
  exchange: string,
  t: number,
  from: string,
  headers: Array<[string, string]> = [],
): TraceEvent => ({
  kind: 'request',
  t,
  exchange,
  from,
  to: 'server',
  method: 'GET',
  url: 'http://server.test/report',
  headers,
  bodySize: 0,
  bodyPreview: '',
});
const response = (exchange: string, t: number, to: string): TraceEvent => ({
  kind: 'response',
  t,
  exchange,
  from: 'server',
  to,
  status: 200,
  statusText: 'OK',
  headers: [['content-length', '2']],
});
const end = (exchange: string, t: number, to: string): TraceEvent => ({
  kind: 'body-end',
  t,
  exchange,
  from: 'server',
  to,
  size: 2,
});

const all = (node: SvgNode): SvgNode[] => [node, ...(node.children ?? []).flatMap(all)];

describe('waterfallRows', () => {
  test('exchanges on the same connection share a row; streams get one row each; groups per host pair', () => {
    const model = new TraceModel(['http1', 'server', 'http2']);
    model.add([
      request('h1', 0, 'http1', [['x-connection', '2']]),
      request('h2', 1, 'http1', [['x-connection', '1']]),
      request('h3', 2, 'http2', [['x-stream-id', '1']]),
      request('h4', 3, 'http2', [['x-stream-id', '3']]),
      response('h1', 10, 'http1'),
      end('h1', 11, 'http1'),
      request('h5', 12, 'http1', [['x-connection', '2']]),
      response('h3', 13, 'http2'),
    ]);
    const rows = waterfallRows(model.exchanges.values());
    expect(rows.map((row) => `${row.group} | ${row.lane} | ${row.bars.length}`)).toEqual([
      'http1 → server | connection 1 | 1',
      'http1 → server | connection 2 | 2',
      'http2 → server | stream 1 | 1',
      'http2 → server | stream 3 | 1',
    ]);
    const [first] = rows[1]?.bars ?? [];
    expect(first).toMatchObject({ start: 0, firstByte: 10, end: 11, status: 200, message: 0 });
    expect(rows[3]?.bars[0]?.end).toBeUndefined();
  });

  test('without connection headers each exchange is its own row, in start order', () => {
    const model = new TraceModel(['client', 'server']);
    model.add([request('h1', 0, 'client'), request('h2', 5, 'client')]);
    expect(waterfallRows(model.exchanges.values()).map((row) => row.lane)).toEqual([
      'GET /report',
      'GET /report',
    ]);
  });
});

describe('renderWaterfall', () => {
  test('draws one bar group per exchange, selectable by message index, within the width', () => {
    const model = new TraceModel(['client', 'server']);
    model.add([
      request('h1', 0, 'client'),
      response('h1', 40, 'client'),
      end('h1', 50, 'client'),
      request('h2', 60, 'client'),
    ]);
    const svg = renderWaterfall(waterfallRows(model.exchanges.values()), {
      width: 500,
      elapsed: 100,
    });
    const bars = all(svg).filter((node) => String(node.attrs.class).startsWith('tv-wf-bar'));
    expect(bars.map((bar) => bar.attrs['data-index'])).toEqual([0, 2]);
    const xs = all(svg)
      .filter((node) => node.tag === 'rect')
      .map((node) => Number(node.attrs.x) + Number(node.attrs.width));
    expect(Math.max(...xs)).toBeLessThanOrEqual(500);
  });

  test('ticks are round numbers', () => {
    expect(tickStep(1000, 5)).toBe(200);
    expect(tickStep(4100, 8)).toBe(1000);
    expect(tickStep(90, 4)).toBe(50);
  });
});
