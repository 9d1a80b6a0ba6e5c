import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/events';
import { TraceModel } from '../trace/trace-model';
import { renderDiagram, toSvgString, type SvgNode } from './trace-svg';

const count = (node: SvgNode, predicate: (node: SvgNode) => boolean): number =>
  (predicate(node) ? 1 : 0) +
  (node.children ?? []).reduce((sum, child) => sum + count(child, predicate), 0);

const request = (exchange: string, t: number, path: string): TraceEvent => ({
  kind: 'request',
  t,
  exchange,
  from: 'client',
  to: 'server',
  method: 'GET',
  url: `http://server.test${path}`,
  headers: [],
  bodySize: 0,
  bodyPreview: '',
});
const response = (exchange: string, t: number, status: number): TraceEvent => ({
  kind: 'response',
  t,
  exchange,
  from: 'server',
  to: 'client',
  status,
  statusText: '',
  headers: [['content-length', '0']],
});
const end = (exchange: string, t: number): TraceEvent => ({
  kind: 'body-end',
  t,
  exchange,
  from: 'server',
  to: 'client',
  size: 0,
});

describe('renderDiagram', () => {
  it('draws a lifeline per host in the given order and an arrow per message', () => {
    const model = new TraceModel(['client', 'server']);
    model.add([
      request('h1', 1, '/a'),
      response('h1', 2, 200),
      end('h1', 2),
      request('h2', 3, '/b'),
      response('h2', 4, 404),
      end('h2', 4),
    ]);
    const svg = renderDiagram(
      { hosts: model.hosts, messages: model.messages, exchanges: model.exchanges.values() },
      { title: 'Two requests', desc: 'GET /a and GET /b' },
    );
    expect(count(svg, (node) => node.attrs.class === 'tv-lifeline')).toBe(2);
    expect(count(svg, (node) => node.attrs.class === 'tv-arrow')).toBe(4);
    expect(count(svg, (node) => String(node.attrs.class).includes('tv-status-4'))).toBe(1);
    const text = toSvgString(svg);
    expect(text.indexOf('>client<')).toBeLessThan(text.indexOf('>server<'));
    expect(text).toContain('<title id="tv-title">Two requests</title>');
    expect(text).toContain('role="img"');
    // No quick responses, no bars.
    expect(count(svg, (node) => String(node.attrs.class).startsWith('tv-bar'))).toBe(0);
  });

  it('draws a held request and an open stream as bars', () => {
    const model = new TraceModel(['client', 'server']);
    model.add([
      request('h1', 1, '/poll'),
      response('h1', 900, 200),
      end('h1', 900),
      request('h2', 901, '/events'),
    ]);
    const svg = renderDiagram({
      hosts: model.hosts,
      messages: model.messages,
      exchanges: model.exchanges.values(),
    });
    expect(count(svg, (node) => node.attrs.class === 'tv-bar')).toBe(1);
    model.add([
      {
        ...response('h2', 902, 200),
        headers: [['content-type', 'text/event-stream']],
      } as TraceEvent,
    ]);
    const open = renderDiagram({
      hosts: model.hosts,
      messages: model.messages,
      exchanges: model.exchanges.values(),
    });
    expect(count(open, (node) => node.attrs.class === 'tv-bar tv-bar-open')).toBe(1);
  });

  it('escapes event text and draws only the rows asked for', () => {
    const model = new TraceModel(['client', 'server']);
    for (let i = 0; i < 100; i++) {
      model.add([
        {
          kind: 'sse-event',
          t: i,
          exchange: 'h0',
          from: 'server',
          to: 'client',
          data: `<img src=x onerror=alert(${i})>`,
        },
      ]);
    }
    const svg = renderDiagram(
      { hosts: model.hosts, messages: model.messages, exchanges: model.exchanges.values() },
      { start: 40, end: 50 },
    );
    expect(count(svg, (node) => node.attrs.class === 'tv-arrow')).toBe(10);
    const text = toSvgString(svg);
    expect(text).not.toContain('<img');
    expect(text).toContain('&lt;img');
  });
});
