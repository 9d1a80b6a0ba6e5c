/**
 * The routes a sandbox's hosts handle, read from the trace of its demo run: every request its
 * clients and hosts made, and every WebSocket they opened. A new sandbox's routes are found the
 * same way, with no list to edit.
 */
import type { TraceEvent } from '../../src/sandbox/trace/events.ts';

export interface Route {
  host: string;
  method: string;
  /** Path and query, as the demo asked. */
  target: string;
  /** The demo sent it a JSON body. */
  json: boolean;
  /** The demo got an event stream back. */
  stream: boolean;
  /** The event types its stream carried ('message' when unnamed). */
  events: string[];
  /** The event ids its streams carried, in the order first seen. */
  ids: string[];
  /** Every status the demo got from it. */
  statuses: number[];
  /** The demo's first request body and its type, when the trace holds all of it. */
  body?: { type: string; text: string };
}

/**
 * Each distinct host, method and path the demo used (the first query seen for it), and each
 * WebSocket path, from a harness trace.
 *
 * @example
 * routesOf(trace).http; // [{ host: 'server', method: 'POST', target: '/uploads', json: true, stream: false }]
 */
export function routesOf(trace: TraceEvent[]): { http: Route[]; websocket: Route[] } {
  const http = new Map<string, Route>();
  const byExchange = new Map<string, Route>();
  const websocket = new Map<string, Route>();
  for (const event of trace) {
    if (event.kind === 'request') {
      const url = new URL(event.url);
      const key = `${event.to} ${event.method} ${url.pathname}`;
      const type = event.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1];
      const json = event.bodySize > 0 && /json/i.test(type ?? '');
      const route = http.get(key) ?? {
        host: event.to,
        method: event.method,
        target: url.pathname + url.search,
        json,
        stream: false,
        events: [],
        ids: [],
        statuses: [],
      };
      const whole = new TextEncoder().encode(event.bodyPreview).byteLength === event.bodySize;
      if (!http.has(key) && event.bodySize > 0 && whole) {
        route.body = { type: type ?? 'application/octet-stream', text: event.bodyPreview };
      }
      route.json ||= json;
      http.set(key, route);
      byExchange.set(event.exchange, route);
    } else if (event.kind === 'response') {
      const type = event.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1];
      const route = byExchange.get(event.exchange);
      if (route && !route.statuses.includes(event.status)) route.statuses.push(event.status);
      if (route && /^text\/event-stream/i.test(type ?? '')) route.stream = true;
    } else if (event.kind === 'sse-event' && event.comment === undefined) {
      const route = byExchange.get(event.exchange);
      const type = event.event ?? 'message';
      if (route && !route.events.includes(type)) route.events.push(type);
      if (route && event.id !== undefined && !route.ids.includes(event.id))
        route.ids.push(event.id);
    } else if (event.kind === 'ws-open') {
      const url = new URL(event.url);
      const key = `${event.to} ${url.pathname}`;
      if (!websocket.has(key)) {
        const target = url.pathname + url.search;
        const route = { host: event.to, method: 'GET', target, json: false, stream: true };
        websocket.set(key, { ...route, events: [], ids: [], statuses: [] });
      }
    }
  }
  return { http: [...http.values()], websocket: [...websocket.values()] };
}
