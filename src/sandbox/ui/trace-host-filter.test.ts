import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/events';
import { TraceModel } from '../trace/trace-model';
import { filterDiagram } from './trace-host-filter';
import { renderDiagram, toSvgString } from './trace-svg';

/** A POST from `from` to `to` and its 202, in exchange `id`, at `t` ms. */
const call = (id: string, t: number, from: string, to: string): TraceEvent[] => [
  {
    kind: 'request',
    t,
    exchange: id,
    from,
    to,
    method: 'POST',
    url: `http://${to}.test/topics/x`,
    headers: [],
    bodySize: 0,
    bodyPreview: '',
  },
  {
    kind: 'response',
    t: t + 1,
    exchange: id,
    from: to,
    to: from,
    status: 202,
    statusText: 'Accepted',
    headers: [['content-length', '0']],
  },
  { kind: 'body-end', t: t + 1, exchange: id, from: to, to: from, size: 0 },
];

// publisher → broker, then the broker delivers to audit twice and to notify once.
const model = new TraceModel(['publisher', 'broker', 'audit', 'notify']);
model.add([
  ...call('h1', 0, 'publisher', 'broker'),
  ...call('h2', 10, 'broker', 'audit'),
  ...call('h3', 20, 'broker', 'audit'),
  ...call('h4', 30, 'broker', 'notify'),
]);

describe('filterDiagram', () => {
  it('draws everything when no host is hidden', () => {
    const view = filterDiagram(model, new Set());
    expect(view.hosts).toEqual(model.hosts);
    expect(view.messages).toEqual(model.messages);
    expect(view.folds.size).toBe(0);
  });

  it('folds a run of messages to or from hidden hosts into one note row, keeping the order', () => {
    const view = filterDiagram(model, new Set(['audit']));
    expect(view.hosts).toEqual(['publisher', 'broker', 'notify']);
    // Rows: POST, 202, [4 messages with audit], POST, 202.
    expect(view.messages.map((message) => message.index)).toEqual([0, 1, 2, 6, 7]);
    const fold = model.messages[2];
    expect(fold && view.folds.get(fold)).toBe(4);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((index) => view.positionOf(index))).toEqual([
      0, 1, 2, 2, 2, 2, 3, 4,
    ]);
  });

  it('keeps the bars of exchanges between shown hosts, renumbered to rows, and drops the rest', () => {
    const view = filterDiagram(model, new Set(['audit']));
    expect([...view.exchanges.keys()]).toEqual(['h1', 'h4']);
    expect(view.exchanges.get('h4')).toMatchObject({
      firstMessage: 3,
      lastMessage: 4,
      responseMessage: 4,
    });
    // The model itself is untouched.
    expect(model.exchanges.get('h4')).toMatchObject({ firstMessage: 6, lastMessage: 7 });
  });

  it('draws a fold as a note naming its first message, and rows by their index in the run', () => {
    const view = filterDiagram(model, new Set(['audit']));
    const svg = toSvgString(
      renderDiagram(
        { ...view, exchanges: view.exchanges.values() },
        { folds: view.folds, selected: 6, gutter: 0, lane: 100 },
      ),
    );
    expect(svg).toContain('⋯ 4 messages with hidden hosts');
    expect(svg).toMatch(/class="tv-row tv-fold" data-index="2"/);
    expect(svg).toMatch(/class="tv-row tv-request tv-selected" data-index="6"/);
    expect(svg.match(/class="tv-host"/g)).toHaveLength(3);
  });
});
