/**
 * The legend of the traffic view: what the arrow styles, label colours and bars of the diagram, and
 * the two shades of a waterfall bar, mean. Samples are drawn with the diagram's own classes, so the
 * legend matches the diagram in both themes.
 */
import { toDom } from './trace-diagram-pane';
import { h } from './trace-details';
import type { SvgNode } from './trace-svg';

const sample = (children: SvgNode[]): SVGElement =>
  toDom({
    tag: 'svg',
    attrs: {
      xmlns: 'http://www.w3.org/2000/svg',
      class: 'tv-diagram tv-sample',
      width: 44,
      height: 16,
      viewBox: '0 0 44 16',
      'aria-hidden': 'true',
    },
    children,
  });

const arrow = (kind: string): SVGElement =>
  sample([
    {
      tag: 'g',
      attrs: { class: `tv-row tv-${kind}` },
      children: [
        { tag: 'line', attrs: { class: 'tv-arrow', x1: 2, y1: 8, x2: 34, y2: 8 } },
        { tag: 'polygon', attrs: { class: 'tv-head', points: '42,8 34,4 34,12' } },
      ],
    },
  ]);

const swatch = (className: string, text: string): SVGElement =>
  sample([
    {
      tag: 'g',
      attrs: { class: `tv-row ${className}` },
      children: [{ tag: 'text', attrs: { class: 'tv-label', x: 2, y: 12 }, text }],
    },
  ]);

const selectedRow = (): SVGElement =>
  sample([
    {
      tag: 'g',
      attrs: { class: 'tv-row tv-request tv-selected' },
      children: [
        { tag: 'rect', attrs: { class: 'tv-hit', x: 0, y: 0, width: 44, height: 16 } },
        { tag: 'line', attrs: { class: 'tv-arrow', x1: 2, y1: 8, x2: 34, y2: 8 } },
        { tag: 'polygon', attrs: { class: 'tv-head', points: '42,8 34,4 34,12' } },
      ],
    },
  ]);

const bar = (className: string): SVGElement =>
  sample([{ tag: 'rect', attrs: { class: className, x: 18, y: 1, width: 6, height: 14, rx: 2 } }]);

const waterfall = (): SVGElement =>
  toDom({
    tag: 'svg',
    attrs: {
      xmlns: 'http://www.w3.org/2000/svg',
      class: 'tv-waterfall tv-sample',
      width: 44,
      height: 16,
      viewBox: '0 0 44 16',
      'aria-hidden': 'true',
    },
    children: [
      {
        tag: 'g',
        attrs: { class: 'tv-wf-bar tv-status-2' },
        children: [
          { tag: 'rect', attrs: { class: 'tv-wf-wait', x: 2, y: 3, width: 24, height: 10 } },
          { tag: 'rect', attrs: { class: 'tv-wf-recv', x: 26, y: 3, width: 16, height: 10 } },
        ],
      },
    ],
  });

/** A collapsed "Legend" disclosure for the traffic view's toolbar. */
export function traceLegend(): HTMLDetailsElement {
  const item = (icon: SVGElement, text: string): HTMLLIElement => {
    const li = h('li', {});
    li.append(icon, h('span', {}, text));
    return li;
  };
  return h(
    'details',
    { class: 'tv-legend' },
    h('summary', {}, 'Legend'),
    h(
      'ul',
      {},
      item(arrow('request'), 'Solid arrow: a request, or a WebSocket message'),
      item(arrow('response'), 'Dashed arrow: a response, streamed chunks or server-sent events'),
      item(swatch('tv-status-2', '200'), 'Green label: a 2xx answer'),
      item(swatch('tv-status-4', '404'), 'Red label or arrow: 4xx or 5xx, an error or an abort'),
      item(swatch('tv-ws-message', 'ws'), 'Blue label: WebSocket traffic or a 3xx answer'),
      item(bar('tv-bar'), 'Bar on a lifeline: a request held, a stream or a socket open'),
      item(bar('tv-bar tv-bar-open'), 'Brighter bar: still open when the trace was drawn'),
      item(selectedRow(), 'Shaded row: the message shown in the wire view (Escape closes it)'),
      item(waterfall(), 'Waterfall bar: light while waiting for the answer, solid while receiving'),
    ),
    h(
      'p',
      { class: 'tv-hint' },
      'Times count from the start of the run. Counters: "Open now / most at once" counts exchanges a host takes part in.',
    ),
  );
}
