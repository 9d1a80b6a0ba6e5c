import type { TraceEvent } from './events';
import { requestTarget } from './wire-bytes';

/**
 * A timing-free summary of a trace for comparing two runs of the same sandbox: per client, in order,
 * each exchange's method, path and status with its SSE event count, or a WebSocket's message counts
 * each way. Clients are sorted by name, since concurrent clients interleave differently per run.
 *
 * @example
 * traceSignature(events); // ["client: POST /uploads → 201", "client: POST /uploads → 400"]
 */
export function traceSignature(events: readonly TraceEvent[]): string[] {
  interface Summary {
    client: string;
    text: string;
    sse: number;
    up: number;
    down: number;
    protocol: 'http' | 'ws';
    status?: number;
  }
  const order: Summary[] = [];
  const byExchange = new Map<string, Summary>();
  for (const event of events) {
    let summary = byExchange.get(event.exchange);
    if (event.kind === 'request' && !summary) {
      summary = {
        client: event.from,
        text: `${event.from} → ${event.to} ${event.method} ${requestTarget(event.url)}`,
        sse: 0,
        up: 0,
        down: 0,
        protocol: 'http',
      };
      byExchange.set(event.exchange, summary);
      order.push(summary);
    } else if (event.kind === 'ws-open' && !summary) {
      summary = {
        client: event.from,
        text: `${event.from} ⇄ ${event.to} WebSocket ${requestTarget(event.url)}`,
        sse: 0,
        up: 0,
        down: 0,
        protocol: 'ws',
      };
      byExchange.set(event.exchange, summary);
      order.push(summary);
    }
    if (!summary) continue;
    if (event.kind === 'response') summary.status = event.status;
    else if (event.kind === 'sse-event' && !(event.comment !== undefined && event.data === ''))
      summary.sse += 1;
    else if (event.kind === 'ws-message') {
      if (event.from === summary.client) summary.up += 1;
      else summary.down += 1;
    }
  }
  const lines = order.map((summary) => ({
    client: summary.client,
    text:
      summary.protocol === 'http'
        ? `${summary.text} → ${summary.status ?? 'no response'}${summary.sse > 0 ? `, ${summary.sse} SSE events` : ''}`
        : `${summary.text}: ${summary.up} sent, ${summary.down} received`,
  }));
  const clients = [...new Set(order.map((summary) => summary.client))].sort();
  return clients.flatMap((client) =>
    lines.filter((line) => line.client === client).map((line) => line.text),
  );
}
