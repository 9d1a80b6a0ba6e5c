/**
 * The parts of the traffic view that are tables: the wire form of one message (the details pane)
 * and the counters per host. Every piece of event data reaches the DOM through textContent.
 */
import type { HostCounters } from '../trace/model-types';
import { type TraceModel } from '../trace/trace-model';
import { describeMessage, wireForm } from '../trace/wire-form';

/** Creates an element with attributes and children (text children become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props))
    if (value !== undefined) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

export const formatMs = (ms: number): string =>
  ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;

export const formatBytes = (bytes: number): string =>
  bytes < 10_000
    ? `${bytes} B`
    : bytes < 10_000_000
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;

/**
 * Fills `pane` with the wire form of message `index` (start line, every header, blank line, body or
 * frame, each with its bytes), or with a hint when nothing is selected.
 */
export function renderWire(pane: HTMLElement, model: TraceModel, index: number): void {
  const heading = h('h4', { class: 'tv-wire-title' }, 'Wire view');
  const wire = index >= 0 ? wireForm(model, index) : undefined;
  const message = model.messages[index];
  if (!wire || !message) {
    pane.replaceChildren(
      heading,
      h(
        'p',
        { class: 'tv-hint' },
        'Select a message (in the diagram, the waterfall or the list) to see the bytes it put on the wire.',
      ),
    );
    return;
  }
  heading.textContent = `Wire view: ${wire.title}, ${message.from} → ${message.to}`;
  const body = h('tbody');
  for (const part of wire.parts) {
    const code = h('code', {});
    code.textContent = part.text;
    const cell = h('td', { class: `tv-part tv-part-${part.role}` }, code);
    if (part.truncated)
      cell.append(h('span', { class: 'tv-more' }, ` … (preview; ${part.bytes} bytes sent)`));
    if (part.eol)
      cell.append(
        h(
          'span',
          { class: 'tv-eol', title: part.eol === '\r\n' ? 'CR LF' : 'LF' },
          part.eol === '\r\n' ? '\\r\\n' : '\\n',
        ),
      );
    body.append(
      h(
        'tr',
        {},
        h('td', { class: 'tv-bytes' }, String(part.bytes)),
        h('th', { scope: 'row', class: 'tv-role' }, part.role.replace('-', ' ')),
        cell,
      ),
    );
  }
  const table = h(
    'table',
    { class: 'tv-wire-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Bytes'),
        h('th', { scope: 'col' }, 'Part'),
        h('th', { scope: 'col' }, 'Content'),
      ),
    ),
    body,
    h(
      'tfoot',
      {},
      h(
        'tr',
        {},
        h('td', { class: 'tv-bytes tv-total' }, String(wire.total)),
        h('th', { scope: 'row' }, 'total'),
        h('td', { class: 'tv-part' }, describeMessage(message)),
      ),
    ),
  );
  pane.replaceChildren(heading, table);
  if (wire.note) pane.append(h('p', { class: 'tv-hint' }, wire.note));
}

/** Column headings of the counters table, spelled out (no "(WS 6 / 6)" or "Open (peak)" to decode). */
export const COUNTER_COLUMNS = [
  'Host',
  'HTTP requests sent / received',
  'WebSocket messages sent / received',
  'Responses sent, by status',
  'Bytes sent: headers + body',
  'Bytes received: headers + body',
  'Open now / most at once',
];

/** Builds the counters table; {@link updateCounters} fills its body. */
export function countersTable(): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'tv-counters-table' },
    h('caption', {}, 'Counters per host'),
    h('thead', {}, h('tr', {}, ...COUNTER_COLUMNS.map((text) => h('th', { scope: 'col' }, text)))),
    body,
  );
  return { table, body };
}

/** Updates the counters rows in place, touching only cells whose text changed. */
export function updateCounters(body: HTMLTableSectionElement, model: TraceModel): void {
  const rows = model.hosts.flatMap((host) => model.counters.get(host) ?? []);
  while (body.rows.length > rows.length) body.deleteRow(-1);
  rows.forEach((counters, i) => {
    const row = body.rows[i] ?? body.insertRow();
    const cells = counterCells(counters);
    while (row.cells.length < cells.length) {
      // A narrow view stacks each host's figures, each named by its column (trace-view.css).
      const label = COUNTER_COLUMNS[row.cells.length] ?? '';
      row.append(
        row.cells.length === 0 ? h('th', { scope: 'row' }) : h('td', { 'data-label': label }),
      );
    }
    cells.forEach((text, j) => {
      const cell = row.cells[j];
      if (cell && cell.textContent !== text) cell.textContent = text;
    });
  });
}

function counterCells(counters: HostCounters): string[] {
  // Only the status classes that occurred, e.g. "2xx 1 · 4xx 1".
  const classes = counters.responsesSent.flatMap((count, index) =>
    count > 0 ? [`${index + 1}xx ${count}`] : [],
  );
  return [
    counters.host,
    `${counters.requestsSent} / ${counters.requestsReceived}`,
    `${counters.wsMessagesSent} / ${counters.wsMessagesReceived}`,
    classes.length === 0 ? '–' : classes.join(' · '),
    `${formatBytes(counters.sent.headers)} + ${formatBytes(counters.sent.body)}`,
    `${formatBytes(counters.received.headers)} + ${formatBytes(counters.received.body)}`,
    `${counters.openNow} / ${counters.openPeak}`,
  ];
}
