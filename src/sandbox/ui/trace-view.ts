/**
 * The live traffic view inside a sandbox's "Network trace" region: network knobs, per-host
 * counters, a sequence diagram, the same messages as a keyboard-navigable list, and the wire form of
 * the selected message. Framework-free; it only draws a {@link TraceModel}.
 *
 * Events arrive in batches while a run goes on; they are folded and drawn at most once per animation
 * frame, and the diagram and list draw only the rows in view, so 10,000 events stay cheap.
 * Every piece of event data reaches the DOM through textContent or setAttribute, never as markup.
 */
import type { ControlAction } from '../runtime/protocol';
import type { TraceEvent } from '../trace/events';
import { toHar } from '../trace/har-export';
import { TraceModel, describeMessage, wireForm, type HostCounters } from '../trace/trace-model';
import { LAYOUT, diagramWidth, renderDiagram, type SvgNode } from './trace-svg';
import { ReplayTimeline } from './replay-timeline';

export interface TraceViewOptions {
  /** Lifelines in order: clients first, then hosts. */
  hosts: string[];
  /** Called when the reader changes the latency or presses a fault button. */
  onControl?: (action: ControlAction) => void;
  /** Fault buttons this chapter offers, for example `{ label: 'Drop connections', action: { kind: 'drop-connections', host: 'server' } }`. */
  faults?: Array<{ label: string; action: ControlAction }>;
  /** Name used in the exported file and its metadata. */
  name?: string;
  /** Initial added latency per hop, in milliseconds. */
  latencyMs?: number;
  /** Show the latency knob; off where no run can be controlled (the trace viewer). Default on. */
  knobs?: boolean;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const LIST_ROW = 26;
/** Rows drawn above and below the visible ones, so scrolling does not show gaps. */
const OVERSCAN = 8;
let nextViewId = 1;

function h<K extends keyof HTMLElementTagNameMap>(
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

/** Builds DOM nodes from a diagram tree: attributes by setAttribute, text by textContent. */
function toDom(node: SvgNode): SVGElement {
  const element = document.createElementNS(SVG_NS, node.tag);
  for (const [name, value] of Object.entries(node.attrs)) element.setAttribute(name, String(value));
  if (node.text !== undefined) element.textContent = node.text;
  for (const child of node.children ?? []) element.append(toDom(child));
  return element;
}

const formatMs = (ms: number): string =>
  ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
const formatBytes = (bytes: number): string =>
  bytes < 10_000
    ? `${bytes} B`
    : bytes < 10_000_000
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;

export class TraceView {
  private model: TraceModel;
  /** The whole run, while the replay shows an earlier moment of it in `model`. */
  private live: TraceModel | undefined;
  readonly replay = new ReplayTimeline({ showMoment: (model, at) => this.showMoment(model, at) });
  private pending: TraceEvent[] = [];
  private frame: number | undefined;
  private fallback: ReturnType<typeof setTimeout> | undefined;
  private finished = false;
  /** The replay has the finished run (it is given it on the first frame after the run ends). */
  private replayReady = false;
  private startedAt = new Date();
  private active = -1;
  private selected = -1;
  private followDiagram = true;
  private followList = true;
  private readonly id = `tv${nextViewId++}`;

  private readonly latencyInput: HTMLInputElement;
  private readonly status: HTMLParagraphElement;
  private readonly countersBody: HTMLTableSectionElement;
  private readonly diagramBox: HTMLDivElement;
  private readonly diagramSpacer: HTMLDivElement;
  /** Host names, kept in view while the diagram scrolls (sticky). */
  private readonly diagramHead: HTMLDivElement;
  private readonly list: HTMLDivElement;
  private readonly listSpacer: HTMLDivElement;
  private readonly wire: HTMLElement;
  private readonly rendered = { diagram: '', list: '' };
  /** Time the last frame spent drawing, in ms (read by tests and the performance budget). */
  lastRenderMs = 0;
  maxRenderMs = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly options: TraceViewOptions,
  ) {
    this.model = new TraceModel(options.hosts);
    root.classList.add('tv');
    root.replaceChildren();

    const latencyId = `${this.id}-latency`;
    this.latencyInput = h('input', {
      id: latencyId,
      type: 'number',
      min: '0',
      max: '5000',
      step: '10',
      inputmode: 'numeric',
    });
    this.latencyInput.value = String(options.latencyMs ?? 0);
    this.latencyInput.addEventListener('change', () => {
      const value = Math.max(0, Math.min(5000, Math.round(Number(this.latencyInput.value) || 0)));
      this.latencyInput.value = String(value);
      this.options.onControl?.({ kind: 'set-latency', latencyMs: value });
    });
    const toolbar = h('div', { class: 'tv-toolbar' });
    if (options.knobs !== false)
      toolbar.append(
        h('label', { for: latencyId }, 'Added latency per hop (ms)'),
        this.latencyInput,
      );
    for (const fault of options.faults ?? []) {
      const button = h('button', { type: 'button', class: 'tv-fault' }, fault.label);
      button.addEventListener('click', () => this.options.onControl?.(fault.action));
      toolbar.append(button);
    }
    const exportButton = h('button', { type: 'button' }, 'Export HAR');
    exportButton.addEventListener('click', () => this.download());
    const clearButton = h('button', { type: 'button' }, 'Clear');
    clearButton.addEventListener('click', () => this.clear());
    toolbar.append(exportButton, clearButton);

    this.status = h('p', { class: 'tv-status' });
    this.countersBody = h('tbody');
    const counters = h(
      'div',
      // Focusable so keyboard users can scroll the table sideways on narrow screens.
      {
        class: 'tv-scroll tv-counters',
        tabindex: '0',
        role: 'group',
        'aria-label': 'Counters per host',
      },
      h(
        'table',
        {},
        h('caption', {}, 'Counters per host'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[
              'Host',
              'Requests sent / received',
              'Responses sent, by status',
              'Sent: headers + body',
              'Received: headers + body',
              'Open (peak)',
            ].map((text) => h('th', { scope: 'col' }, text)),
          ),
        ),
        this.countersBody,
      ),
    );

    this.diagramSpacer = h('div', { class: 'tv-spacer' });
    this.diagramHead = h('div', { class: 'tv-diagram-head', 'aria-hidden': 'true' });
    this.diagramBox = h(
      'div',
      // Focusable so keyboard users can scroll a long diagram; the message list is its text alternative.
      { class: 'tv-diagram-box', tabindex: '0', role: 'group', 'aria-label': 'Sequence diagram' },
      this.diagramHead,
      this.diagramSpacer,
    );
    this.diagramBox.addEventListener('scroll', () => {
      const box = this.diagramBox;
      this.followDiagram = box.scrollTop + box.clientHeight >= box.scrollHeight - LAYOUT.row;
      this.schedule();
    });
    this.diagramBox.addEventListener('click', (event) => {
      const row = (event.target as Element).closest?.('[data-index]');
      if (row) this.select(Number(row.getAttribute('data-index')), true);
    });

    this.listSpacer = h('div', { class: 'tv-spacer' });
    this.list = h(
      'div',
      {
        class: 'tv-list',
        role: 'listbox',
        tabindex: '0',
        'aria-label': 'Messages, in order (arrow keys move, Enter shows the wire view)',
      },
      this.listSpacer,
    );
    this.list.addEventListener('scroll', () => {
      const list = this.list;
      this.followList = list.scrollTop + list.clientHeight >= list.scrollHeight - LIST_ROW;
      this.schedule();
    });
    this.list.addEventListener('keydown', (event) => this.onKey(event));
    this.list.addEventListener('click', (event) => {
      const option = (event.target as Element).closest?.('[data-index]');
      if (option) this.select(Number(option.getAttribute('data-index')), false);
    });

    // A group, not a landmark: a page with several sandboxes has several wire views.
    this.wire = h('section', { class: 'tv-wire', role: 'group', 'aria-label': 'Wire view' });

    root.append(
      toolbar,
      this.status,
      this.replay.element,
      counters,
      h(
        'div',
        { class: 'tv-panes' },
        h('div', { class: 'tv-pane' }, h('h4', {}, 'Sequence diagram'), this.diagramBox),
        h('div', { class: 'tv-pane' }, h('h4', {}, 'Messages'), this.list),
      ),
      this.wire,
    );
    this.renderWire();
    this.render();
  }

  /** Current added latency per hop, as the knob shows it (pass it to the next run). */
  latency(): number {
    return Number(this.latencyInput.value) || 0;
  }

  /** The model being drawn (read-only use: tests and export). */
  get trace(): TraceModel {
    return this.live ?? this.model;
  }

  /** Draws a moment of the run (from the replay) with message `current` selected; undefined: the whole run. */
  private showMoment(model: TraceModel | undefined, current: number): void {
    if (model) {
      this.live ??= this.model;
      this.model = model;
    } else if (this.live) {
      this.model = this.live;
      this.live = undefined;
    }
    this.rendered.diagram = this.rendered.list = '';
    if (current >= 0) this.select(current, false);
    else {
      this.selected = this.active = -1;
      this.followDiagram = this.followList = true;
      this.renderWire();
      this.render();
    }
  }

  /** A new run starts: forget the previous one. */
  reset(hosts: string[] = this.options.hosts): void {
    this.replay.disable();
    this.live = undefined;
    this.options.hosts = hosts;
    this.model = new TraceModel(hosts);
    this.pending = [];
    this.finished = false;
    this.startedAt = new Date();
    this.active = -1;
    this.selected = -1;
    this.followDiagram = this.followList = true;
    this.rendered.diagram = this.rendered.list = '';
    this.renderWire();
    this.schedule();
  }

  /** Events from the running sandbox; drawn on the next animation frame. */
  add(events: readonly TraceEvent[]): void {
    for (const event of events) this.pending.push(event);
    this.schedule();
  }

  /** The run ended. */
  finish(): void {
    this.finished = true;
    this.replayReady = false;
    this.schedule();
  }

  private clear(): void {
    this.reset();
    this.finished = true;
  }

  private schedule(): void {
    if (this.frame !== undefined) return;
    const run = (): void => {
      if (this.frame !== undefined) cancelAnimationFrame(this.frame);
      clearTimeout(this.fallback);
      this.frame = undefined;
      this.fallback = undefined;
      this.render();
    };
    this.frame = requestAnimationFrame(run);
    // Hidden tabs get no animation frames; keep the trace (and its counters) current anyway.
    this.fallback = setTimeout(run, 250);
  }

  private render(): void {
    const began = performance.now();
    if (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      this.model.add(batch);
    }
    if (this.finished && !this.replayReady && !this.live) {
      this.replayReady = true;
      this.replay.enable(this.model);
    }
    this.renderStatus();
    this.renderCounters();
    this.renderDiagram();
    this.renderList();
    this.lastRenderMs = performance.now() - began;
    this.maxRenderMs = Math.max(this.maxRenderMs, this.lastRenderMs);
  }

  private renderStatus(): void {
    const model = this.model;
    const open = model.openCount;
    const state = this.finished
      ? 'Run ended'
      : model.events.length === 0
        ? 'Waiting for traffic'
        : 'Running';
    this.status.textContent = this.live
      ? `Replay: ${model.messages.length} of ${this.live.messages.length} messages, ${formatMs(model.elapsed)} into the run, ${open} open.`
      : `${state}: ${model.messages.length} messages, ${formatMs(model.elapsed)} elapsed, ${open} open.`;
  }

  private renderCounters(): void {
    const rows = this.model.hosts.flatMap((host) => this.model.counters.get(host) ?? []);
    while (this.countersBody.rows.length > rows.length) this.countersBody.deleteRow(-1);
    rows.forEach((counters, i) => {
      const row = this.countersBody.rows[i] ?? this.countersBody.insertRow();
      const cells = counterCells(counters);
      while (row.cells.length < cells.length) {
        row.append(row.cells.length === 0 ? h('th', { scope: 'row' }) : h('td'));
      }
      cells.forEach((text, j) => {
        const cell = row.cells[j];
        if (cell && cell.textContent !== text) cell.textContent = text;
      });
    });
  }

  private renderDiagram(): void {
    const model = this.model;
    const box = this.diagramBox;
    const total = model.messages.length;
    const height = LAYOUT.head + total * LAYOUT.row + LAYOUT.foot;
    this.diagramSpacer.style.height = `${height}px`;
    this.diagramSpacer.style.width = `${diagramWidth(model.hosts.length)}px`;
    if (this.followDiagram) box.scrollTop = box.scrollHeight;
    const visible = Math.ceil((box.clientHeight || 360) / LAYOUT.row);
    const top = Math.max(0, Math.floor((box.scrollTop - LAYOUT.head) / LAYOUT.row));
    const start = Math.max(0, top - OVERSCAN);
    const end = Math.min(total, top + visible + OVERSCAN);
    const hosts = model.hosts.join('\n');
    if (this.diagramHead.dataset.hosts !== hosts) {
      this.diagramHead.dataset.hosts = hosts;
      this.diagramHead.replaceChildren(
        toDom(renderDiagram({ hosts: model.hosts, messages: [], exchanges: [] })),
      );
    }
    const key = `${start}:${end}:${total}:${this.selected}:${this.active}:${model.hosts.length}:${model.events.length}`;
    if (key === this.rendered.diagram) return;
    this.rendered.diagram = key;
    const tree = renderDiagram(
      {
        hosts: model.hosts,
        messages: model.messages,
        exchanges: model.exchanges.values(),
        elapsed: model.elapsed,
      },
      { start, end, selected: this.selected },
    );
    const svg = toDom(tree);
    // The window is drawn with its first row at the top; place it where that row sits in the run.
    const offset = start * LAYOUT.row;
    svg.style.transform = `translateY(${offset}px)`;
    svg.setAttribute('role', 'img');
    svg.removeAttribute('aria-hidden');
    svg.setAttribute(
      'aria-label',
      `Sequence diagram of ${total} messages between ${model.hosts.join(', ')}; the list of messages has the same content.`,
    );
    const old = this.diagramSpacer.firstChild;
    if (old) old.replaceWith(svg);
    else this.diagramSpacer.append(svg);
  }

  private renderList(): void {
    const list = this.list;
    const total = this.model.messages.length;
    this.listSpacer.style.height = `${total * LIST_ROW}px`;
    if (this.followList) list.scrollTop = list.scrollHeight;
    const visible = Math.ceil((list.clientHeight || 260) / LIST_ROW);
    const top = Math.floor(list.scrollTop / LIST_ROW);
    const start = Math.max(0, top - OVERSCAN);
    const end = Math.min(total, top + visible + OVERSCAN);
    const key = `${start}:${end}:${total}:${this.selected}:${this.active}`;
    if (key === this.rendered.list) return;
    this.rendered.list = key;
    const indexes: number[] = [];
    for (let i = start; i < end; i++) indexes.push(i);
    // The active option must exist for aria-activedescendant, even when it is scrolled away.
    if (this.active >= 0 && (this.active < start || this.active >= end)) indexes.push(this.active);
    const options = indexes.flatMap((index) => {
      const message = this.model.messages[index];
      if (!message) return [];
      const option = h('div', {
        role: 'option',
        id: `${this.id}-m${index}`,
        class: `tv-option tv-${message.kind}${index === this.active ? ' tv-active' : ''}`,
        'data-index': String(index),
        'aria-selected': index === this.selected ? 'true' : 'false',
        'aria-posinset': String(index + 1),
        'aria-setsize': String(total),
      });
      option.style.top = `${index * LIST_ROW}px`;
      option.textContent = describeMessage(message);
      return option;
    });
    this.listSpacer.replaceChildren(...options);
    if (this.active >= 0) list.setAttribute('aria-activedescendant', `${this.id}-m${this.active}`);
    else list.removeAttribute('aria-activedescendant');
  }

  private onKey(event: KeyboardEvent): void {
    const total = this.model.messages.length;
    if (total === 0) return;
    const page = Math.max(1, Math.floor(this.list.clientHeight / LIST_ROW) - 1);
    const from =
      this.active < 0 ? (event.key === 'ArrowUp' || event.key === 'End' ? total : -1) : this.active;
    let next: number | undefined;
    switch (event.key) {
      case 'ArrowDown':
        next = from + 1;
        break;
      case 'ArrowUp':
        next = from - 1;
        break;
      case 'PageDown':
        next = from + page;
        break;
      case 'PageUp':
        next = from - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = total - 1;
        break;
      case 'Enter':
      case ' ':
        if (this.active >= 0) this.select(this.active, false);
        event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    this.activate(Math.max(0, Math.min(total - 1, next)));
  }

  /** Moves the keyboard cursor to message `index` and scrolls both views to it. */
  private activate(index: number): void {
    this.active = index;
    this.followList = index === this.model.messages.length - 1;
    this.followDiagram = false;
    const list = this.list;
    const y = index * LIST_ROW;
    if (y < list.scrollTop) list.scrollTop = y;
    else if (y + LIST_ROW > list.scrollTop + list.clientHeight)
      list.scrollTop = y + LIST_ROW - list.clientHeight;
    const box = this.diagramBox;
    const dy = LAYOUT.head + index * LAYOUT.row;
    if (dy < box.scrollTop + LAYOUT.head || dy + LAYOUT.row > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, dy - box.clientHeight / 2);
    }
    this.render();
  }

  /** Shows the wire form of message `index`. */
  select(index: number, fromDiagram: boolean): void {
    if (!this.model.messages[index]) return;
    this.selected = index;
    this.activate(index);
    this.renderWire();
    if (fromDiagram) this.list.focus({ preventScroll: true });
  }

  private renderWire(): void {
    const heading = h('h4', {}, 'Wire view');
    const wire = this.selected >= 0 ? wireForm(this.model, this.selected) : undefined;
    if (!wire) {
      this.wire.replaceChildren(
        heading,
        h('p', { class: 'tv-hint' }, 'Select a message to see the bytes it put on the wire.'),
      );
      return;
    }
    const message = this.model.messages[this.selected];
    if (!message) return;
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
    this.wire.replaceChildren(
      heading,
      h(
        'div',
        { class: 'tv-scroll', tabindex: '0', role: 'group', 'aria-label': 'Wire bytes' },
        table,
      ),
    );
    if (wire.note) this.wire.append(h('p', { class: 'tv-hint' }, wire.note));
  }

  private download(): void {
    // Fold anything not drawn yet so the file has every event.
    this.render();
    const data = toHar(this.trace.events, {
      sandbox: this.options.name ?? 'sandbox',
      startedAt: this.startedAt.toISOString(),
      ...(this.options.knobs === false ? {} : { latencyMs: this.latency() }),
    });
    const url = URL.createObjectURL(
      new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
    );
    const link = h('a', { href: url, download: `trace-${this.options.name ?? 'sandbox'}.har` });
    link.hidden = true;
    this.root.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

function counterCells(counters: HostCounters): string[] {
  // Only the status classes that occurred, e.g. "2xx 1 · 4xx 1".
  const classes = counters.responsesSent.flatMap((count, index) =>
    count > 0 ? [`${index + 1}xx ${count}`] : [],
  );
  const responses = classes.length === 0 ? '–' : classes.join(' · ');
  return [
    counters.host,
    `${counters.requestsSent} / ${counters.requestsReceived}${counters.wsMessagesSent + counters.wsMessagesReceived > 0 ? ` (WS ${counters.wsMessagesSent} / ${counters.wsMessagesReceived})` : ''}`,
    responses,
    `${formatBytes(counters.sent.headers)} + ${formatBytes(counters.sent.body)}`,
    `${formatBytes(counters.received.headers)} + ${formatBytes(counters.received.body)}`,
    `${counters.openNow} (${counters.openPeak})`,
  ];
}
