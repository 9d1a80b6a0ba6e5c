/**
 * The numbers of the comparison page's table, folded from one run of `sandboxes/comparison/`:
 * per client (one delivery technique each) its requests, bytes split into headers and payload,
 * delivery latency and open connections. Pure and environment-neutral, so the live table in the
 * page and the unit test in Node compute exactly the same thing.
 */
import type { ConsoleEntry } from '../sandbox/runtime/protocol';
import type { TraceEvent } from '../sandbox/trace/events';
import { TraceModel } from '../sandbox/trace/trace-model';

/**
 * The line each client of the comparison sandbox prints per update (see sandboxes/comparison/updates.ts):
 * `update #3 delivered after 12.5 ms (poll 4)`.
 */
export const DELIVERY_LINE = /^update #(\d+) delivered after (\d+(?:\.\d+)?) ms\b/;

export interface TechniqueMetrics {
  /** Client name in the sandbox, for example `short-poll`. */
  client: string;
  /** Distinct updates the client reported as delivered. */
  delivered: number;
  /** HTTP requests the client sent, counting a WebSocket opening handshake as the request it is. */
  requests: number;
  /** Bytes both ways of start lines, header lines, chunk framing and WebSocket frame headers. */
  headerBytes: number;
  /** Bytes both ways of bodies and WebSocket payloads. */
  payloadBytes: number;
  /** Median and largest delivery latency in ms; undefined before the first delivery. */
  latencyMedian?: number;
  latencyMax?: number;
  /** Most exchanges (HTTP request/response or WebSocket) the client had open at once. */
  openPeak: number;
  /** Milliseconds during which the client had at least one exchange open. */
  openMs: number;
}

/** The table's rows: the comparison sandbox's clients (sandbox.json), one per technique. */
export const TECHNIQUES: ReadonlyArray<{ client: string; label: string }> = [
  { client: 'short-poll', label: 'Short polling' },
  { client: 'long-poll', label: 'Long polling' },
  { client: 'sse', label: 'Server-Sent Events' },
  { client: 'push', label: 'WebSocket push' },
];

/** How many updates the comparison workload publishes (sandboxes/comparison/workload.ts). */
export const WORKLOAD_UPDATES = 8;

/** Median of a list of numbers (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const low = sorted[Math.ceil(middle) - 1] ?? 0;
  const high = sorted[Math.floor(middle)] ?? 0;
  return (low + high) / 2;
}

/** Length of the union of intervals, in the intervals' unit. */
export function unionLength(intervals: ReadonlyArray<readonly [number, number]>): number {
  const sorted = [...intervals].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let current: [number, number] | undefined;
  for (const [a, b] of sorted) {
    if (current && a <= current[1]) current[1] = Math.max(current[1], b);
    else {
      if (current) total += current[1] - current[0];
      current = [a, b];
    }
  }
  return current ? total + current[1] - current[0] : total;
}

/**
 * Follows one run: feed it the sandbox's trace batches and console entries as they come, and read
 * {@link ComparisonRun.rows} at any time (mid-run, exchanges still open count up to the latest event).
 *
 * @example
 * const run = new ComparisonRun(['short-poll', 'push']);
 * run.addTrace(events);
 * run.addConsole(entries);
 * run.rows()[0]?.requests; // 7
 */
export class ComparisonRun {
  private model = new TraceModel();
  private latencies = new Map<string, Map<number, number>>();

  readonly clients: readonly string[];

  constructor(clients: readonly string[]) {
    this.clients = clients;
    for (const client of clients) this.latencies.set(client, new Map());
  }

  addTrace(events: readonly TraceEvent[]): void {
    this.model.add(events);
  }

  addConsole(entries: readonly Pick<ConsoleEntry, 'host' | 'text'>[]): void {
    for (const entry of entries) {
      const byUpdate = this.latencies.get(entry.host);
      const match = byUpdate && DELIVERY_LINE.exec(entry.text);
      if (!byUpdate || !match) continue;
      byUpdate.set(Number(match[1]), Number(match[2]));
    }
  }

  /** One row per client, in the order given to the constructor. */
  rows(): TechniqueMetrics[] {
    const now = this.model.elapsed;
    return this.clients.map((client) => {
      const exchanges = [...this.model.exchanges.values()].filter(
        (exchange) => exchange.client === client,
      );
      const counters = this.model.counters.get(client);
      const latencies = [...(this.latencies.get(client)?.values() ?? [])];
      return {
        client,
        delivered: latencies.length,
        requests: exchanges.length,
        headerBytes: (counters?.sent.headers ?? 0) + (counters?.received.headers ?? 0),
        payloadBytes: (counters?.sent.body ?? 0) + (counters?.received.body ?? 0),
        latencyMedian: median(latencies),
        latencyMax: latencies.length > 0 ? Math.max(...latencies) : undefined,
        openPeak: counters?.openPeak ?? 0,
        openMs: unionLength(exchanges.map((exchange) => [exchange.start, exchange.end ?? now])),
      };
    });
  }
}

/** "1,234 B" (grouped digits, no unit scaling, so rows compare at a glance). */
export function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} B`;
}

/** "0.4 ms", "12 ms", "1,003 ms"; a dash when there is no value yet. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString('en-US')} ms`;
}

/** "12 ms" below a second, "5.5 s" from there. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? formatMs(ms) : `${(ms / 1000).toFixed(1)} s`;
}

/** The table's rows, one per measure: its heading, and the cell text for one technique. */
export const MEASURES: ReadonlyArray<{
  heading: string;
  cell: (row: TechniqueMetrics, total?: number) => string;
}> = [
  {
    heading: 'Updates delivered',
    cell: (row, total) =>
      total === undefined ? String(row.delivered) : `${row.delivered} of ${total}`,
  },
  { heading: 'Requests', cell: (row) => String(row.requests) },
  { heading: 'Header bytes', cell: (row) => formatBytes(row.headerBytes) },
  { heading: 'Payload bytes', cell: (row) => formatBytes(row.payloadBytes) },
  { heading: 'Latency, median', cell: (row) => formatMs(row.latencyMedian) },
  { heading: 'Latency, max', cell: (row) => formatMs(row.latencyMax) },
  { heading: 'Open at once (peak)', cell: (row) => String(row.openPeak) },
  { heading: 'Time with a connection open', cell: (row) => formatDuration(row.openMs) },
];

/** One technique's cells, in the order of {@link MEASURES}. */
export function cellTexts(row: TechniqueMetrics, total?: number): string[] {
  return MEASURES.map((measure) => measure.cell(row, total));
}
