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
 * API for the rest of the page, kept small: `new TraceView(root, { hosts, name })`, then `reset(hosts)`,
 * `add(events)` and `finish()` per run; `trace`, the model drawn (read-only); `select(index)`, a
 * message's wire form; `addTool(element)`, a control (replay slider, export button) in the toolbar.
 */
import type { TraceEvent } from '../trace/events';
import { TraceModel } from '../trace/trace-model';
import { DiagramPane, ZOOMS } from './trace-diagram-pane';
import { countersTable, formatMs, h, updateCounters } from './trace-details';
import { MessageList, keyTarget } from './trace-list';
import { ReplayTimeline } from './replay-timeline';
import { FOLD_PER_FRAME, requestDraw, requestOutputDraw, type FrameWork } from './frame-scheduler';
import { TraceToolbar, type TraceViewKind } from './trace-toolbar';
import { downloadHar } from './har-download';
import { hasLaneHeaders } from './lane-headers';
import { WaterfallPane } from './trace-waterfall-pane';
import { WirePane } from './trace-wire-pane';

export interface TraceViewOptions {
  /** Lifelines in order (see trace-lanes.ts: hubs in the middle). */
  hosts: string[];
  /** Name used in the exported file and its metadata. */
  name?: string;
  /** The added latency per hop of the run drawn, for the exported file's metadata. */
  latencyMs?: () => number;
  /** The wire view beside the trace opened or closed (the workbench gives it room). */
  onDetails?: (open: boolean) => void;
}

export type { TraceViewKind };

/** A frame stops folding (between slices of FOLD_SLICE events) once it has spent this long on it. */
const FOLD_BUDGET_MS = 6;
const FOLD_SLICE = 100;

let nextViewId = 1;

export class TraceView implements FrameWork {
  private model: TraceModel;
  /** The whole run, while the replay shows an earlier moment of it in `model`. */
  private live: TraceModel | undefined;
  readonly replay = new ReplayTimeline({ showMoment: (model, at) => this.showMoment(model, at) });
  /** The replay has the finished run (it is given it on the first frame after the run ends). */
  private replayReady = false;
  /** Events received and not yet folded: `pending[pendingAt…]`. */
  private pending: TraceEvent[] = [];
  private pendingAt = 0;
  private finished = false;
  private startedAt = new Date();
  private active = -1;
  private selected = -1;
  private view: TraceViewKind = 'diagram';
  /** The reader picked a view; the view no longer switches to the waterfall by itself. */
  private viewChosen = false;
  private readonly id = `tv${nextViewId++}`;

  private readonly toolbar: TraceToolbar;
  private readonly status: HTMLParagraphElement;
  private readonly panes: Record<TraceViewKind, HTMLElement>;
  private readonly diagram: DiagramPane;
  private readonly list: MessageList;
  private readonly waterfall: WaterfallPane;
  private readonly countersBody: HTMLTableSectionElement;
  private readonly details: WirePane;
  /** Time the last frame spent drawing, in ms (read by tests and the performance budget). */
  lastRenderMs = 0;
  maxRenderMs = 0;
  /** Most events folded in one frame since the view was made (read by tests: at most FOLD_PER_FRAME). */
  maxFoldedPerFrame = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly options: TraceViewOptions,
  ) {
    this.model = new TraceModel(options.hosts);
    root.classList.add('tv');
    root.replaceChildren();

    this.toolbar = new TraceToolbar({
      show: (kind) => {
        this.viewChosen = true;
        this.show(kind);
      },
      zoom: (step) => this.setZoom(step === 0 ? 0 : this.diagram.zoom + step),
      exportHar: () => this.download(),
      clear: () => this.clear(),
    });
    this.status = h('p', { class: 'tv-status' });

    this.diagram = new DiagramPane(() => this.schedule());
    this.toolbar.addDiagramControl(this.diagram.hostToggles.element);
    this.diagram.box.addEventListener('click', (event) => {
      const row = (event.target as Element).closest?.('[data-index]');
      if (row) this.select(Number(row.getAttribute('data-index')), true);
    });
    this.diagram.box.addEventListener('keydown', (event) => this.onKey(event));

    this.list = new MessageList(this.id, {
      onScroll: () => this.schedule(),
      onClick: (index) => this.select(index, true),
    });
    this.list.element.addEventListener('keydown', (event) => this.onKey(event));

    this.waterfall = new WaterfallPane(
      (index) => this.select(index, true),
      () => this.schedule(),
    );

    const counters = countersTable();
    this.countersBody = counters.body;
    this.panes = {
      diagram: this.diagram.box,
      waterfall: this.waterfall.box,
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

    this.details = new WirePane(root, {
      changed: (open) => {
        this.options.onDetails?.(open);
        this.schedule();
      },
      view: () => this.panes[this.view],
    });
    root.append(
      this.toolbar.element,
      this.status,
      this.replay.element,
      h(
        'div',
        { class: 'tv-main' },
        h('div', { class: 'tv-view' }, ...Object.values(this.panes)),
        this.details.pane,
      ),
    );
    root.addEventListener('keydown', (event) => this.details.onKey(event));
    this.observeSizes();
    this.details.clear(this.model);
    this.show('diagram');
  }

  /** Sizes are read when they change, after layout, and kept: a frame only writes (frame-scheduler.ts). */
  private observeSizes(): void {
    const resized = new ResizeObserver(() => {
      this.diagram.measure();
      this.list.measure();
      this.waterfall.measure();
      this.invalidate();
      this.schedule();
    });
    for (const box of [this.root, this.diagram.box, this.list.element, this.waterfall.box])
      resized.observe(box);
    // On phones the page scrolls the rows (decisions/0074): draw the ones now in the window.
    const scrolled = () => [this.diagram, this.list].filter((pane) => pane.windowScrolled());
    addEventListener('scroll', () => scrolled().length > 0 && this.schedule(), { passive: true });
  }

  /** The model being drawn, with every event received so far (read-only use: tests, export, other components). */
  get trace(): TraceModel {
    if (!this.live) this.foldPending(Infinity);
    return this.live ?? this.model;
  }

  /** Events received and not folded yet (each frame folds at most FOLD_PER_FRAME). */
  get behind(): number {
    return this.pending.length - this.pendingAt;
  }

  /** Folds what arrived, in slices, until FOLD_PER_FRAME events or FOLD_BUDGET_MS since `began`. */
  private foldSome(began: number): number {
    let folded = 0;
    while (folded < FOLD_PER_FRAME && performance.now() - began < FOLD_BUDGET_MS) {
      const count = this.foldPending(Math.min(FOLD_SLICE, FOLD_PER_FRAME - folded));
      if (count === 0) break;
      folded += count;
    }
    return folded;
  }

  /** Folds up to `most` of the events waiting; returns how many it folded. */
  private foldPending(most: number): number {
    const end = Math.min(this.pending.length, this.pendingAt + most);
    const count = end - this.pendingAt;
    if (count <= 0) return 0;
    this.model.add(this.pending.slice(this.pendingAt, end));
    this.pendingAt = end;
    if (end === this.pending.length) {
      this.pending = [];
      this.pendingAt = 0;
    }
    return count;
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
    this.invalidate();
    if (current >= 0) this.select(current);
    else {
      this.selected = this.active = -1;
      this.diagram.follow = this.list.follow = true;
      this.details.clear(this.model);
      this.render();
      this.settle();
    }
  }

  /** Puts a control into the toolbar, before Export and Clear. */
  addTool(element: HTMLElement): void {
    this.toolbar.addTool(element);
  }

  /** A new run starts: forget the previous one. */
  reset(hosts: string[] = this.options.hosts): void {
    this.replay.disable();
    this.live = undefined;
    this.options.hosts = hosts;
    this.model = new TraceModel(hosts);
    this.pending = [];
    this.pendingAt = 0;
    this.finished = false;
    this.startedAt = new Date();
    this.active = -1;
    this.selected = -1;
    this.diagram.follow = this.list.follow = true;
    this.invalidate();
    this.list.clear();
    this.details.clear(this.model);
    this.schedule();
  }

  /** Events from the running sandbox; drawn on the next animation frame. */
  add(events: readonly TraceEvent[]): void {
    for (const event of events) this.pending.push(event);
    // A trace that names its connections or streams is best read as a waterfall.
    if (!this.viewChosen && this.view === 'diagram' && events.some(hasLaneHeaders)) {
      this.show('waterfall');
    }
    requestOutputDraw(this);
  }

  /** The run ended: draw the rest and show the start of the story. */
  finish(): void {
    this.finished = true;
    this.replayReady = false;
    this.render();
    this.diagram.scrollToStart();
    this.list.scrollToStart();
    this.waterfall.scrollToStart();
    this.schedule();
  }

  private clear(): void {
    this.reset();
    this.finished = true;
  }

  private show(kind: TraceViewKind): void {
    this.view = kind;
    this.root.dataset.view = kind;
    this.toolbar.showing(kind);
    for (const [each, pane] of Object.entries(this.panes)) pane.hidden = each !== kind;
    this.invalidate();
    this.schedule();
  }

  /** Forgets what every pane drew, so the next frame draws them again. */
  private invalidate(): void {
    this.diagram.invalidate();
    this.list.invalidate();
    this.waterfall.invalidate();
  }

  private setZoom(level: number): void {
    this.diagram.zoom = Math.max(0, Math.min(ZOOMS.length - 1, level));
    this.diagram.invalidate();
    this.schedule();
  }

  private schedule(): void {
    requestDraw(this);
  }

  /** Part of the page's frame (frame-scheduler.ts): folds what arrived and draws, writes only. */
  draw(): void {
    this.render();
  }

  /** Part of the page's frame: scroll positions, after every view has drawn. */
  settle(): void {
    this.diagram.settle();
    this.list.settle();
    this.waterfall.settle();
  }

  private render(): void {
    const began = performance.now();
    const folded = this.live ? 0 : this.foldSome(began);
    this.maxFoldedPerFrame = Math.max(this.maxFoldedPerFrame, folded);
    // What did not fit in this frame is folded in the next ones.
    if (this.pending.length > 0) this.schedule();
    if (this.finished && !this.replayReady && !this.live && this.pending.length === 0) {
      this.replayReady = true;
      this.replay.enable(this.model);
    }
    this.renderStatus();
    // Once a run drew messages a workbench gives the diagram the console's height (sandbox.css).
    const traffic = (this.live ?? this.model).messages.length > 0 ? 'some' : 'none';
    if (this.root.dataset.traffic !== traffic) this.root.dataset.traffic = traffic;
    // The list and counters are cheap (the list draws only rows in view) and stay current while
    // hidden, so switching to them, and anything reading them, finds them up to date.
    updateCounters(this.countersBody, this.model);
    this.list.render(this.model, this.selected, this.active);
    if (this.view === 'diagram') this.diagram.render(this.model, this.selected, this.active);
    if (this.view === 'waterfall') this.waterfall.render(this.model, this.selected);
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

  private onKey(event: KeyboardEvent): void {
    const total = this.model.messages.length;
    if (total === 0) return;
    if (event.key === 'Enter' || event.key === ' ') {
      if (this.active >= 0) this.select(this.active, true);
      event.preventDefault();
      return;
    }
    const next = keyTarget(event.key, this.active, total, this.list.page);
    if (next === undefined) return;
    event.preventDefault();
    // With the wire view open the keys walk the messages in it, as a list beside its details does.
    if (this.details.open) this.select(next);
    else this.activate(next);
  }

  /** Moves the keyboard cursor to message `index` and scrolls the views to it. */
  private activate(index: number): void {
    this.active = index;
    this.list.reveal(index, this.model.messages.length);
    this.diagram.reveal(index);
    this.render();
    this.settle();
  }

  /** Shows message `index`'s wire form; `reveal` (the reader picked it) brings the pane into view. */
  select(index: number, reveal = false): void {
    if (!this.model.messages[index]) return;
    this.selected = index;
    this.activate(index);
    this.waterfall.invalidate();
    this.diagram.invalidate();
    this.details.show(this.model, index, reveal);
  }

  private download(): void {
    // `trace` folds anything not drawn yet, so the file has every event.
    const latencyMs = this.options.latencyMs?.();
    void downloadHar(this.root, this.trace.events, {
      sandbox: this.options.name ?? 'sandbox',
      startedAt: this.startedAt.toISOString(),
      ...(latencyMs === undefined ? {} : { latencyMs }),
    });
  }
}
