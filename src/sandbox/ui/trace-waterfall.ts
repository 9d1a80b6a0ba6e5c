/**
 * The waterfall view of a trace, like a browser's network panel: one row per connection or stream
 * (or per exchange when the trace does not say which connection carried it), with a bar from request
 * to end split into waiting (until the response head) and receiving. Rows are grouped by the pair of
 * hosts, so "http1 → server" shows 6 connections each carrying requests one after another, and
 * "http2 → server" shows 30 streams side by side. Pure: it returns an element tree like trace-svg.ts.
 */
import { header as headerValue } from '../trace/wire-bytes';
import { LANE_HEADERS } from './lane-headers';
import type { TraceExchange } from '../trace/model-types';
import { el, type SvgNode } from './svg-node';

/** One exchange drawn as a bar. */
export interface WaterfallBar {
  exchange: string;
  /** Index of the exchange's first message, to select it in the list. */
  message: number;
  /** What the bar is: "GET /report", "WebSocket /feed". */
  label: string;
  start: number;
  /** When the response head arrived (undefined: not yet). */
  firstByte?: number;
  /** When the exchange ended (undefined: still open). */
  end?: number;
  status?: number;
  protocol: 'http' | 'ws';
}

/** One line of the waterfall: a connection, a stream, or a single exchange. */
export interface WaterfallRow {
  /** "http1 → server": the hosts this row's traffic goes between. */
  group: string;
  /** "connection 3", "stream 5", or the request target of a lone exchange. */
  lane: string;
  bars: WaterfallBar[];
}

const targetOf = (url: string): string => {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
};

function laneOf(exchange: TraceExchange): { key: string; lane: string; order: number } {
  const headers = exchange.request?.headers ?? [];
  for (const [header, noun] of LANE_HEADERS) {
    const value = headerValue(headers, header);
    if (value !== undefined)
      return { key: `${noun} ${value}`, lane: `${noun} ${value}`, order: Number(value) || 0 };
  }
  const what =
    exchange.protocol === 'ws'
      ? 'WebSocket'
      : `${exchange.request?.method ?? ''} ${targetOf(exchange.request?.url ?? '')}`.trim();
  return { key: exchange.id, lane: what, order: Number.NaN };
}

/**
 * Rows of the waterfall for a trace's exchanges, grouped by host pair in order of first appearance;
 * within a group, numbered connections and streams in number order, other rows in start order.
 *
 * @example
 * waterfallRows(model.exchanges.values()) // [{ group: 'http1 → server', lane: 'connection 1', bars: [...] }, ...]
 */
export function waterfallRows(exchanges: Iterable<TraceExchange>): WaterfallRow[] {
  const groups = new Map<string, Map<string, WaterfallRow & { order: number; first: number }>>();
  for (const exchange of exchanges) {
    const group = `${exchange.client} → ${exchange.server}`;
    const lane = laneOf(exchange);
    let rows = groups.get(group);
    if (!rows) groups.set(group, (rows = new Map()));
    let row = rows.get(lane.key);
    if (!row) {
      row = { group, lane: lane.lane, bars: [], order: lane.order, first: exchange.start };
      rows.set(lane.key, row);
    }
    const bar: WaterfallBar = {
      exchange: exchange.id,
      message: exchange.firstMessage,
      label:
        exchange.protocol === 'ws'
          ? 'WebSocket'
          : `${exchange.request?.method ?? ''} ${targetOf(exchange.request?.url ?? '')}`.trim(),
      start: exchange.start,
      protocol: exchange.protocol,
    };
    if (exchange.response) {
      bar.firstByte = exchange.response.t;
      bar.status = exchange.response.status;
    }
    if (exchange.end !== undefined) bar.end = exchange.end;
    row.bars.push(bar);
  }
  return [...groups.values()].flatMap((rows) =>
    [...rows.values()]
      .sort((a, b) =>
        Number.isNaN(a.order) || Number.isNaN(b.order) ? a.first - b.first : a.order - b.order,
      )
      .map(({ group, lane, bars }) => ({ group, lane, bars })),
  );
}

export const WATERFALL = {
  /** Width of the label column. */
  labels: 150,
  row: 22,
  /** Height of a group's heading row. */
  groupRow: 24,
  axis: 24,
  /** Rows drawn at most; beyond, a note says how many more there are. */
  maxRows: 400,
} as const;

/** A round tick step (1, 2, 5 × 10^n ms) that gives about `count` ticks over `span` ms. */
export function tickStep(span: number, count: number): number {
  const raw = Math.max(span, 1) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((m) => m >= raw);
  return step ?? 10 * power;
}

const formatTick = (ms: number): string => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

type Bar = WaterfallRow['bars'][number];

/** One exchange's bar: waiting for the first byte, then receiving, with a title saying what it is. */
function barNode(
  row: WaterfallRow,
  bar: Bar,
  y: number,
  scale: { x(t: number): number; span: number; selectedExchange?: string },
): SvgNode {
  const { x, span } = scale;
  const x1 = x(bar.start);
  const x2 = x(bar.firstByte ?? bar.end ?? span);
  const x3 = x(bar.end ?? span);
  const status = bar.status ? ` tv-status-${Math.floor(bar.status / 100)}` : '';
  const selected = bar.exchange === scale.selectedExchange ? ' tv-selected' : '';
  const open = bar.end === undefined ? ' tv-wf-open' : '';
  const title = `${row.group}, ${row.lane}: ${bar.label}${bar.status ? ` → ${bar.status}` : ''}, ${bar.start.toFixed(1)}–${bar.end === undefined ? 'open' : `${bar.end.toFixed(1)} ms`}`;
  return el('g', { class: `tv-wf-bar${status}${selected}${open}`, 'data-index': bar.message }, [
    el('rect', {
      class: 'tv-wf-wait',
      x: x1,
      y: y + 5,
      width: Math.max(2, x2 - x1),
      height: WATERFALL.row - 10,
    }),
    el('rect', {
      class: 'tv-wf-recv',
      x: x2,
      y: y + 5,
      width: Math.max(bar.firstByte === undefined ? 0 : 2, x3 - x2),
      height: WATERFALL.row - 10,
    }),
    el('title', {}, undefined, title),
  ]);
}

/** The time axis: round ticks, with grid lines through every row down to `height`. */
function axis(scale: {
  x(t: number): number;
  span: number;
  plot: number;
  height: number;
}): SvgNode[] {
  const { x, span, plot, height } = scale;
  const nodes: SvgNode[] = [];
  const step = tickStep(span, Math.max(2, Math.floor(plot / 90)));
  for (let t = 0; t <= span + 1e-9; t += step) {
    const tx = x(t);
    nodes.push(
      el('line', { class: 'tv-wf-grid', x1: tx, x2: tx, y1: WATERFALL.axis - 4, y2: height }),
      el(
        'text',
        { class: 'tv-time', x: tx, y: 14, 'text-anchor': t === 0 ? 'start' : 'middle' },
        undefined,
        formatTick(t),
      ),
    );
  }
  return nodes;
}

/**
 * The waterfall as an SVG element tree `width` pixels wide, its time axis from 0 to `elapsed`.
 * Each bar is a group with `data-index` (its first message) so a click selects it.
 */
export function renderWaterfall(
  rows: readonly WaterfallRow[],
  options: { width: number; elapsed: number; selectedExchange?: string },
): SvgNode {
  const width = Math.max(options.width, WATERFALL.labels + 120);
  const plot = width - WATERFALL.labels - 12;
  const span = Math.max(options.elapsed, 1);
  const x = (t: number): number => WATERFALL.labels + (Math.min(t, span) / span) * plot;
  const scale = { x, span, selectedExchange: options.selectedExchange };
  const shown = rows.slice(0, WATERFALL.maxRows);
  const children: SvgNode[] = [];
  let y = WATERFALL.axis;
  let group = '';
  const body: SvgNode[] = [];
  for (const row of shown) {
    if (row.group !== group) {
      group = row.group;
      body.push(
        el('text', { class: 'tv-wf-group', x: 6, y: y + 16 }, undefined, row.group),
        el('line', { class: 'tv-wf-rule', x1: 0, x2: width, y1: y + 0.5, y2: y + 0.5 }),
      );
      y += WATERFALL.groupRow;
    }
    body.push(el('text', { class: 'tv-wf-lane', x: 14, y: y + 15 }, undefined, row.lane));
    for (const bar of row.bars) body.push(barNode(row, bar, y, scale));
    y += WATERFALL.row;
  }
  if (rows.length > shown.length) {
    body.push(
      el(
        'text',
        { class: 'tv-wf-lane', x: 6, y: y + 15 },
        undefined,
        `… ${rows.length - shown.length} more rows (see the message list)`,
      ),
    );
    y += WATERFALL.row;
  }
  const height = y + 6;
  children.push(...axis({ x, span, plot, height }));
  children.push(...body);
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: 'tv-waterfall',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
    },
    children,
  );
}
