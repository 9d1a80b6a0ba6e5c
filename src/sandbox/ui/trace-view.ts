/**
 * The live traffic view inside a sandbox's "Network trace" region. It draws a {@link TraceModel} four
 * ways, one at a time: a sequence diagram (fit to width, zoomable, host names and times kept in
 * place), a waterfall of connections and streams, the messages as a keyboard-navigable list, and
 * counters per host. Selecting a message opens its wire form in a details pane beside the view.
 *
 * Events arrive in batches while a run goes on; they are folded and drawn at most once per animation
 * frame, and the diagram and list draw only the rows in view, so 10,000 events stay cheap. Every
 * piece of event data reaches the DOM through textContent or setAttribute, never as markup.
 *
 * API for other parts of the page (kept small on purpose):
 * - `new TraceView(root, { hosts, name })`, then `reset(hosts)`, `add(events)` and `finish()` per run;
 * - `trace`: the model drawn (read-only use), `select(index)`: show a message's wire form;
 * - `addTool(element)`: put a control (a replay slider, an export button) in the view's toolbar.
 */
import type { TraceEvent } from '../trace/events';
import { toHar } from '../trace/har-export';
import { TraceModel } from '../trace/trace-model';
import { DiagramPane, ZOOMS, toDom } from './trace-diagram-pane';
import { countersTable, formatMs, h, renderWire, updateCounters } from './trace-details';
import { MessageList, keyTarget } from './trace-list';
import { traceLegend } from './trace-legend';
import { ReplayTimeline } from './replay-timeline';
import { hasLaneHeaders, renderWaterfall, waterfallRows } from './trace-waterfall';

export interface TraceViewOptions {
  /** Lifelines in order (see trace-lanes.ts: hubs in the middle). */
  hosts: string[];
  /** Name used in the exported file and its metadata. */
  name?: string;
  /** The added latency per hop of the run drawn, for the exported file's metadata. */
  latencyMs?: () => number;
}

export type TraceViewKind = 'diagram' | 'waterfall' | 'messages' | 'counters';

const VIEWS: Array<[TraceViewKind, string]> = [
  ['diagram', 'Diagram'],
  ['waterfall', 'Waterfall'],
  ['messages', 'Messages'],
  ['counters', 'Counters'],
];

let nextViewId = 1;

export class TraceView {
  private model: TraceModel;
  /** The whole run, while the replay shows an earlier moment of it in `model`. */
  private live: TraceModel | undefined;
  readonly replay = new ReplayTimeline({ showMoment: (model, at) => this.showMoment(model, at) });
  /** The replay has the finished run (it is given it on the first frame after the run ends). */
  private replayReady = false;
  private pending: TraceEvent[] = [];
  private frame: number | undefined;
  private fallback: ReturnType<typeof setTimeout> | undefined;
  private finished = false;
  private startedAt = new Date();
  private active = -1;
  private selected = -1;
  private view: TraceViewKind = 'diagram';
  /** The reader picked a view; the view no longer switches to the waterfall by itself. */
  private viewChosen = false;
  private readonly id = `tv${nextViewId++}`;

  private readonly toolbar: HTMLDivElement;
  private readonly tools: HTMLSpanElement;
  private readonly viewButtons = new Map<TraceViewKind, HTMLButtonElement>();
  private readonly zoomGroup: HTMLSpanElement;
  private readonly status: HTMLParagraphElement;
  private readonly panes: Record<TraceViewKind, HTMLElement>;
  private readonly diagram: DiagramPane;
  private readonly list: MessageList;
  private readonly waterfallBox: HTMLDivElement;
  private readonly countersBody: HTMLTableSectionElement;
  private readonly details: HTMLElement;
  private readonly wire: HTMLDivElement;
  private waterfallKey = '';
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

    const viewGroup = h('span', { class: 'tv-views', role: 'group', 'aria-label': 'View' });
    for (const [kind, label] of VIEWS) {
      const button = h('button', { type: 'button', 'aria-pressed': 'false' }, label);
      button.addEventListener('click', () => {
        this.viewChosen = true;
        this.show(kind);
      });
      this.viewButtons.set(kind, button);
      viewGroup.append(button);
    }
    this.zoomGroup = h('span', { class: 'tv-zoom', role: 'group', 'aria-label': 'Zoom' });
    const zoomOut = h('button', { type: 'button', 'aria-label': 'Zoom out' }, '−');
    const fit = h('button', { type: 'button' }, 'Fit');
    const zoomIn = h('button', { type: 'button', 'aria-label': 'Zoom in' }, '+');
    zoomOut.addEventListener('click', () => this.setZoom(this.diagram.zoom - 1));
    fit.addEventListener('click', () => this.setZoom(0));
    zoomIn.addEventListener('click', () => this.setZoom(this.diagram.zoom + 1));
    this.zoomGroup.append(zoomOut, fit, zoomIn);
    const exportButton = h('button', { type: 'button' }, 'Export HAR');
    exportButton.addEventListener('click', () => this.download());
    const clearButton = h('button', { type: 'button' }, 'Clear');
    clearButton.addEventListener('click', () => this.clear());
    this.tools = h('span', { class: 'tv-tools' }, exportButton, clearButton);
    this.toolbar = h(
      'div',
      { class: 'tv-toolbar' },
      viewGroup,
      this.zoomGroup,
      traceLegend(),
      this.tools,
    );

    this.status = h('p', { class: 'tv-status' });

    this.diagram = new DiagramPane(() => this.schedule());
    this.zoomGroup.after(this.diagram.hostToggles.element);
    this.diagram.box.addEventListener('click', (event) => {
      const row = (event.target as Element).closest?.('[data-index]');
      if (row) this.select(Number(row.getAttribute('data-index')));
    });
    this.diagram.box.addEventListener('keydown', (event) => this.onKey(event));

    this.list = new MessageList(this.id, {
      onScroll: () => this.schedule(),
      onClick: (index) => this.select(index),
    });
    this.list.element.addEventListener('keydown', (event) => this.onKey(event));

    this.waterfallBox = h('div', {
      class: 'tv-waterfall-box',
      tabindex: '0',
      role: 'group',
      'aria-label': 'Waterfall: one row per connection, stream or exchange',
    });
    this.waterfallBox.addEventListener('click', (event) => {
      const bar = (event.target as Element).closest?.('[data-index]');
      if (bar) this.select(Number(bar.getAttribute('data-index')));
    });

    const counters = countersTable();
    this.countersBody = counters.body;
    this.panes = {
      diagram: this.diagram.box,
      waterfall: this.waterfallBox,
      messages: this.list.element,
      counters: h(
        'div',
        {
          class: 'tv-counters',
          tabindex: '0',
          role: 'group',
          'aria-label': 'Counters per host',
        },
        counters.table,
      ),
    };

    const close = h(
      'button',
      { type: 'button', class: 'tv-close', 'aria-label': 'Close the wire view' },
      '×',
    );
    close.addEventListener('click', () => {
      this.root.dataset.details = 'closed';
      this.schedule();
    });
    this.wire = h('div', { class: 'tv-wire' });
    this.details = h(
      'section',
      // A group, not a landmark: a page with several sandboxes has several wire views.
      { class: 'tv-details', role: 'group', 'aria-label': 'Wire view', tabindex: '-1' },
      close,
      this.wire,
    );
    root.dataset.details = 'closed';
    root.append(
      this.toolbar,
      this.status,
      this.replay.element,
      h(
        'div',
        { class: 'tv-main' },
        h('div', { class: 'tv-view' }, ...Object.values(this.panes)),
        this.details,
      ),
    );
    new ResizeObserver(() => {
      this.diagram.invalidate();
      this.waterfallKey = '';
      this.schedule();
    }).observe(root);
    renderWire(this.wire, this.model, -1);
    this.show('diagram');
  }

  /** The model being drawn (read-only use: tests, export, other components). */
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
    this.diagram.invalidate();
    this.list.invalidate();
    this.waterfallKey = '';
    if (current >= 0) this.select(current);
    else {
      this.selected = this.active = -1;
      this.diagram.follow = this.list.follow = true;
      renderWire(this.wire, this.model, -1);
      this.render();
    }
  }

  /** Puts a control into the toolbar, before Export and Clear. */
  addTool(element: HTMLElement): void {
    this.tools.prepend(element);
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
    this.diagram.follow = this.list.follow = true;
    this.diagram.invalidate();
    this.list.clear();
    this.waterfallKey = '';
    this.root.dataset.details = 'closed';
    renderWire(this.wire, this.model, -1);
    this.schedule();
  }

  /** Events from the running sandbox; drawn on the next animation frame. */
  add(events: readonly TraceEvent[]): void {
    for (const event of events) this.pending.push(event);
    // A trace that names its connections or streams is best read as a waterfall.
    if (!this.viewChosen && this.view === 'diagram' && events.some(hasLaneHeaders)) {
      this.show('waterfall');
    }
    this.schedule();
  }

  /** The run ended: draw the rest and show the start of the story. */
  finish(): void {
    this.finished = true;
    this.replayReady = false;
    this.render();
    this.diagram.scrollToStart();
    this.list.scrollToStart();
    this.waterfallBox.scrollTop = 0;
    this.schedule();
  }

  private clear(): void {
    this.reset();
    this.finished = true;
  }

  private show(kind: TraceViewKind): void {
    this.view = kind;
    this.root.dataset.view = kind;
    for (const [each, button] of this.viewButtons) {
      button.setAttribute('aria-pressed', String(each === kind));
    }
    for (const [each, pane] of Object.entries(this.panes)) pane.hidden = each !== kind;
    this.zoomGroup.hidden = this.diagram.hostToggles.element.hidden = kind !== 'diagram';
    this.diagram.invalidate();
    this.list.invalidate();
    this.waterfallKey = '';
    this.schedule();
  }

  private setZoom(level: number): void {
    this.diagram.zoom = Math.max(0, Math.min(ZOOMS.length - 1, level));
    this.diagram.invalidate();
    this.schedule();
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
    // The list and counters are cheap (the list draws only rows in view) and stay current while
    // hidden, so switching to them, and anything reading them, finds them up to date.
    updateCounters(this.countersBody, this.model);
    this.list.render(this.model, this.selected, this.active);
    if (this.view === 'diagram') this.diagram.render(this.model, this.selected, this.active);
    if (this.view === 'waterfall') this.renderWaterfall();
    this.lastRenderMs = performance.now() - began;
    this.maxRenderMs = Math.max(this.maxRenderMs, this.lastRenderMs);
  }

  private renderStatus(): void {
    const model = this.model;
    const state = this.finished
      ? 'Run ended'
      : model.events.length === 0
        ? 'Waiting for traffic'
        : 'Running';
    this.status.textContent = this.live
      ? `Replay: ${model.messages.length} of ${this.live.messages.length} messages, ${formatMs(model.elapsed)} into the run, ${model.openCount} open.`
      : `${state}: ${model.messages.length} messages, ${formatMs(model.elapsed)} elapsed, ${model.openCount} open.`;
  }

  private renderWaterfall(): void {
    const width = this.waterfallBox.clientWidth || 600;
    const selectedExchange = this.model.messages[this.selected]?.exchange;
    const key = `${this.model.events.length}:${width}:${selectedExchange}`;
    if (key === this.waterfallKey) return;
    this.waterfallKey = key;
    const svg = toDom(
      renderWaterfall(waterfallRows(this.model.exchanges.values()), {
        width,
        elapsed: this.model.elapsed,
        ...(selectedExchange ? { selectedExchange } : {}),
      }),
    );
    svg.setAttribute('role', 'img');
    svg.setAttribute(
      'aria-label',
      `Waterfall of ${this.model.exchanges.size} exchanges over ${formatMs(this.model.elapsed)}; the message list has the same content.`,
    );
    this.waterfallBox.replaceChildren(svg);
  }

  private onKey(event: KeyboardEvent): void {
    const total = this.model.messages.length;
    if (total === 0) return;
    if (event.key === 'Enter' || event.key === ' ') {
      if (this.active >= 0) this.select(this.active);
      event.preventDefault();
      return;
    }
    const next = keyTarget(event.key, this.active, total, this.list.page);
    if (next === undefined) return;
    event.preventDefault();
    this.activate(next);
  }

  /** Moves the keyboard cursor to message `index` and scrolls the views to it. */
  private activate(index: number): void {
    this.active = index;
    this.list.reveal(index, this.model.messages.length);
    this.diagram.reveal(index);
    this.render();
  }

  /** Shows the wire form of message `index` in the details pane beside the view. */
  select(index: number): void {
    if (!this.model.messages[index]) return;
    this.selected = index;
    this.activate(index);
    renderWire(this.wire, this.model, index);
    this.root.dataset.details = 'open';
    this.waterfallKey = '';
    this.diagram.invalidate();
    this.schedule();
  }

  private download(): void {
    // Fold anything not drawn yet so the file has every event.
    this.render();
    const latencyMs = this.options.latencyMs?.();
    const data = toHar(this.trace.events, {
      sandbox: this.options.name ?? 'sandbox',
      startedAt: this.startedAt.toISOString(),
      ...(latencyMs === undefined ? {} : { latencyMs }),
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
