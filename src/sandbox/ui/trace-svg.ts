/**
 * Draws a trace as a sequence diagram: one lifeline per host, one arrow per message, bars where a
 * request is held or a stream stays open. Pure: it returns a small element tree that becomes an SVG
 * string at build time ({@link toSvgString}) or DOM nodes in the page (trace-view.ts), so event text
 * is never parsed as markup. Colours come from classes styled in trace-diagram.css.
 */
import type { TraceExchange, TraceMessage } from '../trace/model-types';
import { describeMessage } from '../trace/wire-form';
import { foldLabel } from './trace-host-filter';
import { el, type SvgNode } from './svg-node';

export { toSvgString, type SvgNode } from './svg-node';

export interface DiagramInput {
  hosts: readonly string[];
  messages: readonly TraceMessage[];
  exchanges: Iterable<TraceExchange>;
  /** Time of the latest event: a request still unanswered this long after it was sent is drawn as held. */
  elapsed?: number;
}

export interface DiagramOptions {
  /** First and one-past-last message row to draw (default: all). Rows keep their place in the run. */
  start?: number;
  end?: number;
  /** The message drawn as selected. */
  selected?: number;
  /** Accessible title and description; without a title the SVG is decorative (aria-hidden). */
  title?: string;
  desc?: string;
  /** Unique prefix for element ids (needed when a page shows several diagrams). */
  id?: string;
  /** Width of one lifeline's lane, to fit the diagram to its box (default LAYOUT.lane). */
  lane?: number;
  /** Width of the time column (default LAYOUT.gutter); 0 leaves it out (the view draws it apart). */
  gutter?: number;
  /** Rows drawn as a note for this many messages of hidden hosts (see trace-host-filter.ts). */
  folds?: ReadonlyMap<TraceMessage, number>;
}

export const LAYOUT = {
  /** Left gutter for the time column. */
  gutter: 72,
  lane: 170,
  head: 44,
  row: 28,
  foot: 12,
  /** A request answered later than this is drawn as held. */
  heldMs: 100,
} as const;

/** Narrowest lane that still shows a few characters of a host name. */
export const MIN_LANE = 44;

/** Width of a diagram with `hosts` lifelines. */
export function diagramWidth(
  hostCount: number,
  lane: number = LAYOUT.lane,
  gutter: number = LAYOUT.gutter,
): number {
  return gutter + Math.max(1, hostCount) * lane;
}

/** The lane width that makes `hostCount` lifelines fill `width` pixels (never below MIN_LANE). */
export function fitLane(width: number, hostCount: number, gutter: number = LAYOUT.gutter): number {
  return Math.max(MIN_LANE, Math.floor((width - gutter) / Math.max(1, hostCount)));
}

/** Width of one character of a host name (13 px monospace, bold). */
const CHAR_PX = 7.8;

/** A host name cut to fit `px`, keeping its end ("thumbnails-1" → "thum…s-1"): names often differ only there. */
function fitName(text: string, px: number): string {
  const max = Math.max(3, Math.floor(px / CHAR_PX));
  if (text.length <= max) return text;
  const tail = Math.min(3, Math.floor((max - 1) / 2));
  return `${text.slice(0, max - 1 - tail)}…${text.slice(text.length - tail)}`;
}

function fit(text: string, px: number): string {
  const max = Math.max(4, Math.floor(px / 7.4));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Whether an exchange is drawn with a bar: held long before its answer, streamed, or a WebSocket. */
function hasBar(exchange: TraceExchange, now: number): boolean {
  if (exchange.protocol === 'ws' || exchange.sse) return true;
  if (exchange.chunked && exchange.lastMessage > (exchange.responseMessage ?? Infinity))
    return true;
  return (exchange.response?.t ?? exchange.end ?? now) - exchange.start >= LAYOUT.heldMs;
}

/** Most bars drawn at once: beyond this, bars would hide the arrows anyway. */
const MAX_BARS = 48;

/** Where things go in one drawing: lanes across, rows down, for the rows `start`…`end` drawn. */
interface Geometry {
  start: number;
  end: number;
  laneWidth: number;
  gutter: number;
  width: number;
  height: number;
  /** Each host's lane, by name. */
  lane: Map<string, number>;
  laneX(i: number): number;
  rowY(index: number): number;
}

function geometry(input: DiagramInput, options: DiagramOptions): Geometry {
  const { hosts, messages } = input;
  const start = Math.max(0, options.start ?? 0);
  const end = Math.min(messages.length, options.end ?? messages.length);
  const laneWidth = options.lane ?? LAYOUT.lane;
  const gutter = options.gutter ?? LAYOUT.gutter;
  return {
    start,
    end,
    laneWidth,
    gutter,
    width: diagramWidth(hosts.length, laneWidth, gutter),
    height: LAYOUT.head + Math.max(0, end - start) * LAYOUT.row + LAYOUT.foot,
    lane: new Map(hosts.map((host, i) => [host, i])),
    laneX: (i) => gutter + i * laneWidth + laneWidth / 2,
    rowY: (index) => LAYOUT.head + (index - start) * LAYOUT.row + LAYOUT.row / 2,
  };
}

/**
 * Lifelines and host names; names too long for their lane alternate between two rows, so each may
 * take two lanes' width ("thumbnails-1" rather than "thum…s-1" on a phone).
 */
function lifelines(hosts: readonly string[], at: Geometry): SvgNode[] {
  const { laneWidth, gutter, width, height } = at;
  const staggered =
    hosts.length > 2 && hosts.some((host) => fitName(host, laneWidth - 10) !== host);
  return hosts.flatMap((host, i) => {
    const x = at.laneX(i);
    const line = el('line', {
      class: 'tv-lifeline',
      x1: x,
      y1: LAYOUT.head - 6,
      x2: x,
      y2: height - 2,
    });
    if (!staggered) {
      return [
        line,
        el('rect', {
          class: 'tv-host-box',
          x: x - laneWidth / 2 + 4,
          y: 6,
          width: laneWidth - 8,
          height: 26,
          rx: 4,
        }),
        el(
          'text',
          { class: 'tv-host', x, y: 24, 'text-anchor': 'middle' },
          undefined,
          fitName(host, laneWidth - 10),
        ),
      ];
    }
    // A name may reach halfway into each neighbouring lane (their names sit on the other row).
    const from = Math.max(x - laneWidth + 4, gutter + 2);
    const to = Math.min(x + laneWidth - 4, width - 2);
    const name = fitName(host, to - from - 10);
    const boxWidth = Math.min(to - from, name.length * CHAR_PX + 10);
    const left = Math.min(Math.max(x - boxWidth / 2, from), to - boxWidth);
    const top = i % 2 === 0 ? 2 : 22;
    const label = {
      class: 'tv-host',
      'data-row': i % 2,
      x: left + boxWidth / 2,
      y: top + 13,
      'text-anchor': 'middle',
    };
    return [
      line,
      el('rect', { class: 'tv-host-box', x: left, y: top, width: boxWidth, height: 18, rx: 4 }),
      el('text', label, undefined, name),
    ];
  });
}

/** Bars for held requests, streams and open sockets, clipped to the rows drawn. */
function exchangeBars(input: DiagramInput, at: Geometry): SvgNode[] {
  const { start, end } = at;
  const lastIndex = input.messages.length - 1;
  const now = input.elapsed ?? input.messages.at(-1)?.t ?? 0;
  const bars: SvgNode[] = [];
  let count = 0;
  for (const exchange of input.exchanges) {
    const open = exchange.end === undefined;
    if (exchange.firstMessage >= end || (!open && exchange.lastMessage < start)) continue;
    if (count >= MAX_BARS || !hasBar(exchange, now)) continue;
    count += 1;
    const until = open ? Math.max(lastIndex, exchange.lastMessage) : exchange.lastMessage;
    const from = Math.max(exchange.firstMessage, start);
    const to = Math.min(until, end - 1);
    if (to < from) continue;
    const offset = (Number(exchange.id.slice(1)) % 3) * 5;
    const barFor = (host: string, side: number): void => {
      const i = at.lane.get(host);
      if (i === undefined) return;
      const y1 = from === exchange.firstMessage ? at.rowY(from) : LAYOUT.head;
      const y2 = to === until && !open ? at.rowY(to) : at.rowY(to) + LAYOUT.row / 2;
      bars.push(
        el('rect', {
          class: `tv-bar${open ? ' tv-bar-open' : ''}`,
          x: at.laneX(i) + side * (4 + offset) - (side < 0 ? 6 : 0),
          y: y1,
          width: 6,
          height: Math.max(4, y2 - y1),
          rx: 2,
        }),
      );
    };
    barFor(exchange.server, 1);
    if (exchange.protocol === 'ws') barFor(exchange.client, -1);
  }
  return bars;
}

/** One message's row: its arrow, label and time, or the note standing for hidden hosts' messages. */
function messageRow(
  message: TraceMessage,
  index: number,
  at: Geometry,
  options: DiagramOptions,
): SvgNode {
  const { width, gutter, laneWidth } = at;
  const y = at.rowY(index);
  const folded = options.folds?.get(message);
  if (folded !== undefined) return foldRow(message, folded, { y, width, gutter });
  const a = at.lane.get(message.from) ?? 0;
  const b = at.lane.get(message.to) ?? 0;
  const x1 = at.laneX(a);
  const x2 = at.laneX(b) + (a === b ? 40 : 0);
  const dir = x2 >= x1 ? 1 : -1;
  const status = message.kind === 'response' ? message.events[0] : undefined;
  const statusClass =
    status?.kind === 'response' ? ` tv-status-${Math.floor(status.status / 100)}` : '';
  // Rows are named by the message's place in the run, which a filtered diagram does not keep.
  const rowClass = `tv-row tv-${message.kind}${statusClass}${options.selected === message.index ? ' tv-selected' : ''}`;
  const tip = x2 - dir * 2;
  const time = `${message.t.toFixed(1)} ms`;
  const row: SvgNode[] = [
    el('rect', { class: 'tv-hit', x: 0, y: y - LAYOUT.row / 2, width, height: LAYOUT.row }),
    ...(gutter > 0 ? [el('text', { class: 'tv-time', x: 6, y: y + 4 }, undefined, time)] : []),
    el('line', { class: 'tv-arrow', x1, y1: y + 4, x2: tip - dir * 6, y2: y + 4 }),
    el('polygon', {
      class: 'tv-head',
      points: `${tip},${y + 4} ${tip - dir * 8},${y} ${tip - dir * 8},${y + 8}`,
    }),
    el(
      'text',
      { class: 'tv-label', x: (x1 + x2) / 2, y: y - 2, 'text-anchor': 'middle' },
      undefined,
      fit(message.label, Math.max(Math.abs(x2 - x1), Math.min(laneWidth * 2, 180)) - 8),
    ),
    el('title', {}, undefined, describeMessage(message)),
  ];
  return el('g', { class: rowClass, 'data-index': message.index }, row);
}

/**
 * The sequence diagram of `input` (or of its rows `start`…`end`, for a virtualized live view) as an
 * element tree.
 *
 * @example
 * const svg = toSvgString(renderDiagram({ hosts: model.hosts, messages: model.messages, exchanges: model.exchanges.values() }, { title: 'Request–response' }));
 */
export function renderDiagram(input: DiagramInput, options: DiagramOptions = {}): SvgNode {
  const at = geometry(input, options);
  const { width, height } = at;
  const children: SvgNode[] = [];
  const labelId = `${options.id ?? 'tv'}-title`;
  if (options.title) children.push(el('title', { id: labelId }, undefined, options.title));
  if (options.desc) children.push(el('desc', { id: `${labelId}-desc` }, undefined, options.desc));
  children.push(...lifelines(input.hosts, at), ...exchangeBars(input, at));
  // One arrow per message.
  for (let index = at.start; index < at.end; index++) {
    const message = input.messages[index];
    if (message) children.push(messageRow(message, index, at, options));
  }
  const attrs: Record<string, string | number> = {
    xmlns: 'http://www.w3.org/2000/svg',
    class: 'tv-diagram',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
  };
  if (options.title) {
    attrs.role = 'img';
    attrs['aria-labelledby'] = options.desc ? `${labelId} ${labelId}-desc` : labelId;
  } else {
    attrs['aria-hidden'] = 'true';
  }
  return el('svg', attrs, children);
}

/** A note across the lanes for `count` messages of hidden hosts; selecting it shows the first one. */
function foldRow(
  message: TraceMessage,
  count: number,
  at: { y: number; width: number; gutter: number },
): SvgNode {
  const { y, width, gutter } = at;
  return el('g', { class: 'tv-row tv-fold', 'data-index': message.index }, [
    el('rect', { class: 'tv-hit', x: 0, y: y - LAYOUT.row / 2, width, height: LAYOUT.row }),
    el('line', { class: 'tv-fold-rule', x1: gutter + 4, y1: y, x2: width - 4, y2: y }),
    el(
      'text',
      {
        class: 'tv-fold-label',
        x: gutter + (width - gutter) / 2,
        y: y + 4,
        'text-anchor': 'middle',
      },
      undefined,
      foldLabel(count),
    ),
    el('title', {}, undefined, `${foldLabel(count)}, from ${describeMessage(message)}`),
  ]);
}

/** A time as the diagram's narrow time column shows it: "12 ms", "1.25 s". */
export const formatTime = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;

/**
 * The time column of rows `start`…`end` on its own, `width` pixels wide, so the live view can keep
 * it in place (sticky) while the lanes scroll sideways. Rows line up with {@link renderDiagram}'s.
 */
export function renderTimeColumn(
  messages: readonly TraceMessage[],
  start: number,
  end: number,
  width: number,
): SvgNode {
  const rows = Math.max(0, end - start);
  const height = LAYOUT.head + rows * LAYOUT.row + LAYOUT.foot;
  const children: SvgNode[] = [];
  for (let index = start; index < end; index++) {
    const message = messages[index];
    if (!message) continue;
    const y = LAYOUT.head + (index - start) * LAYOUT.row + LAYOUT.row / 2 + 4;
    children.push(
      el(
        'text',
        { class: 'tv-time', x: width - 6, y, 'text-anchor': 'end' },
        undefined,
        formatTime(message.t),
      ),
    );
  }
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: 'tv-diagram tv-time-column',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      'aria-hidden': 'true',
    },
    children,
  );
}
