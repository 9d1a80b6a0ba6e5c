/**
 * The sequence diagram pane of the traffic view: fits its lifelines to the box's width (zoom widens
 * them, then the lanes scroll sideways), keeps the host names (top) and the time column (left) in
 * place while scrolling, and draws only the rows in view so 10,000 messages stay cheap.
 */
import { LAYOUT, fitLane, renderDiagram, renderTimeColumn, type SvgNode } from './trace-svg';
import { h } from './trace-details';
import { filterDiagram, type DiagramModel, type FilteredDiagram } from './trace-host-filter';
import { HostToggles } from './trace-host-toggles';
import { growsWithContent, windowInBox } from './window-rows';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Width of the time column kept at the left. */
export const TIME_COLUMN = 50;
/** Rows drawn above and below the visible ones, so scrolling does not show gaps. */
const OVERSCAN = 8;
export const ZOOMS = [1, 1.5, 2, 3] as const;
/**
 * Narrowest lane "Fit" draws: seven hosts on a phone (330 px) get 39 px each, their names on two
 * alternating rows; below MIN_LANE the lanes still fit instead of running past the box.
 */
const FIT_MIN_LANE = 24;

/** Builds DOM nodes from a diagram tree: attributes by setAttribute, text by textContent. */
export function toDom(node: SvgNode): SVGElement {
  const element = document.createElementNS(SVG_NS, node.tag);
  for (const [name, value] of Object.entries(node.attrs)) element.setAttribute(name, String(value));
  if (node.text !== undefined) element.textContent = node.text;
  for (const child of node.children ?? []) element.append(toDom(child));
  return element;
}

export class DiagramPane {
  /** The scrolling box (focusable, so keyboard users can scroll it). */
  readonly box: HTMLDivElement;
  private readonly head: HTMLDivElement;
  private readonly hostsHead: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private readonly timeColumn: HTMLDivElement;
  private readonly lanes: HTMLDivElement;
  private rendered = '';
  /** Keep the newest row in view while a run adds rows (until the reader scrolls away). */
  follow = true;
  /** Index into {@link ZOOMS}. */
  zoom = 0;
  /** The "Hosts" control: lifelines the reader hid, and the diagram drawn without them. */
  readonly hostToggles: HostToggles;
  private filtered: { key: string; source: DiagramModel; view: FilteredDiagram } | undefined;
  /** The box's size, measured by {@link measure} (reading it while drawing would force a layout). */
  private width = 0;
  private height = 0;
  /** Where the box is scrolled, as last read on scroll or set here. */
  private scrollTop = 0;
  /** Scroll positions to apply once every view has drawn (see frame-scheduler.ts). */
  private scrollTarget: { top?: number; left?: number } = {};
  /** The position {@link settle} last set: its scroll event is ours, not the reader's. */
  private settled: number | undefined;
  private contentHeight = 0;
  private size = '';
  /** The box grows with its content (phones): rows in view are those in the window. */
  private windowed = false;

  constructor(onScroll: () => void) {
    this.hostsHead = h('div', { class: 'tv-diagram-hosts' });
    this.head = h(
      'div',
      { class: 'tv-diagram-head', 'aria-hidden': 'true' },
      h('div', { class: 'tv-corner' }, 'time'),
      this.hostsHead,
    );
    this.timeColumn = h('div', { class: 'tv-time-col' });
    this.lanes = h('div', { class: 'tv-lanes' });
    this.body = h('div', { class: 'tv-diagram-body' }, this.timeColumn, this.lanes);
    this.box = h(
      'div',
      // The message list is the diagram's text alternative; this box is focusable for scrolling.
      { class: 'tv-diagram-box', tabindex: '0', role: 'group', 'aria-label': 'Sequence diagram' },
      this.head,
      this.body,
    );
    this.hostToggles = new HostToggles(() => {
      this.invalidate();
      onScroll();
    });
    this.box.addEventListener('scroll', () => {
      // A place chosen but not yet applied (a run ended: the start) wins over a scroll event that
      // reports where the view was following to; taking that one would follow the end again.
      if (this.scrollTarget.top !== undefined) return;
      const top = this.box.scrollTop;
      // Our own scroll may report after the view chose another place (a run ended): keep that one.
      if (this.settled !== undefined && Math.abs(top - this.settled) < 1) {
        this.settled = undefined;
        return;
      }
      this.scrollTop = top;
      this.follow = this.scrollTop + this.height >= this.contentHeight - LAYOUT.row;
      onScroll();
    });
  }

  /** Reads the box's size and scroll position; call when its size changed (a resize observer). */
  measure(): void {
    this.width = this.box.clientWidth;
    this.windowed = growsWithContent(this.box);
    if (this.windowed) {
      // The page scrolls, not the box: never follow the end by moving the reader's page.
      this.follow = false;
      this.windowScrolled();
      return;
    }
    this.height = this.box.clientHeight;
    if (this.scrollTarget.top === undefined) this.scrollTop = this.box.scrollTop;
  }

  /** On a scroll of the page: where the window is over the box; true if the rows in view may change. */
  windowScrolled(): boolean {
    if (!this.windowed) return false;
    ({ top: this.scrollTop, height: this.height } = windowInBox(this.box));
    return true;
  }

  /** Lane width for the box's current width and zoom (at zoom 0, "Fit", every lane fits the box). */
  private lane(hostCount: number): number {
    const width = (this.width || 600) - TIME_COLUMN - 2;
    if (this.zoom === 0) return Math.max(FIT_MIN_LANE, Math.floor(width / Math.max(1, hostCount)));
    return Math.round(fitLane(width, hostCount, 0) * (ZOOMS[this.zoom] ?? 1));
  }

  /** Forgets what was drawn, so the next render draws everything again (new run, resize, zoom). */
  invalidate(): void {
    this.rendered = '';
    this.hostsHead.dataset.key = '';
  }

  /** Shows the first rows (after a run ends, the start of the story is what the reader wants). */
  scrollToStart(): void {
    this.follow = false;
    if (this.windowed) return;
    this.scrollTop = 0;
    this.scrollTarget = { top: 0, left: 0 };
  }

  /** Scrolls so message `index` is in view (centred when it was out of view). */
  reveal(index: number): void {
    this.follow = false;
    if (this.windowed) return;
    const y = LAYOUT.head + (this.filtered?.view.positionOf(index) ?? index) * LAYOUT.row;
    if (y < this.scrollTop + LAYOUT.head || y + LAYOUT.row > this.scrollTop + this.height) {
      this.scrollTop = this.scrollTarget.top = Math.max(0, y - this.height / 2);
    }
  }

  /** Sets the scroll position chosen while drawing (after every view drew: one layout per frame). */
  settle(): void {
    const { top, left } = this.scrollTarget;
    // Only a real move fires a scroll event to recognise (reading here costs no extra layout).
    if (top !== undefined && Math.abs(this.box.scrollTop - top) >= 1)
      this.box.scrollTop = this.settled = top;
    if (left !== undefined) this.box.scrollLeft = left;
    this.scrollTarget = {};
  }

  /** `source` without the hosts the reader hid (itself when none are), remembered until it grows. */
  private visible(source: DiagramModel): DiagramModel & Partial<FilteredDiagram> {
    this.hostToggles.update(source.hosts);
    const hidden = this.hostToggles.hidden;
    if (!source.hosts.some((host) => hidden.has(host))) {
      this.filtered = undefined;
      return source;
    }
    const key = `${[...hidden].join('\n')}:${source.messages.length}:${source.events.length}`;
    if (this.filtered?.source !== source || this.filtered.key !== key)
      this.filtered = { key, source, view: filterDiagram(source, hidden) };
    return this.filtered.view;
  }

  /** Draws the rows in view (and a few around them): DOM writes only. */
  render(source: DiagramModel, selected: number, active: number): void {
    const model = this.visible(source);
    const total = model.messages.length;
    const lane = this.lane(model.hosts.length);
    const lanesWidth = lane * Math.max(1, model.hosts.length);
    this.contentHeight = LAYOUT.head + total * LAYOUT.row + LAYOUT.foot;
    const size = `${this.contentHeight}:${lanesWidth}`;
    if (size !== this.size) {
      this.size = size;
      this.body.style.height = `${this.contentHeight}px`;
      this.body.style.width = `${TIME_COLUMN + lanesWidth}px`;
      this.head.style.width = `${TIME_COLUMN + lanesWidth}px`;
    }
    const height = this.height || 360;
    if (this.follow && !this.windowed) {
      this.scrollTop = this.scrollTarget.top = Math.max(0, this.contentHeight - height);
    }
    const visible = Math.ceil(height / LAYOUT.row);
    const top = Math.max(0, Math.floor((this.scrollTop - LAYOUT.head) / LAYOUT.row));
    // Following the end, nothing above the view is about to scroll in: draw only what shows.
    const above = this.follow && !this.windowed ? 0 : OVERSCAN;
    const start = Math.max(0, top - above);
    const end = Math.min(total, top + visible + OVERSCAN);
    const headKey = `${model.hosts.join('\n')}:${lane}`;
    if (this.hostsHead.dataset.key !== headKey) {
      this.hostsHead.dataset.key = headKey;
      this.hostsHead.replaceChildren(
        toDom(
          renderDiagram({ hosts: model.hosts, messages: [], exchanges: [] }, { lane, gutter: 0 }),
        ),
      );
    }
    const key = `${start}:${end}:${total}:${selected}:${active}:${headKey}:${model.events.length}`;
    if (key === this.rendered) return;
    this.rendered = key;
    this.drawRows(model, { start, end, selected, lane });
  }

  private drawRows(
    model: DiagramModel & Partial<FilteredDiagram>,
    rows: { start: number; end: number; selected: number; lane: number },
  ): void {
    const { start, end } = rows;
    const total = model.messages.length;
    const offset = `translateY(${start * LAYOUT.row}px)`;
    const svg = toDom(
      renderDiagram(
        {
          hosts: model.hosts,
          messages: model.messages,
          exchanges: model.exchanges.values(),
          elapsed: model.elapsed,
        },
        { ...rows, gutter: 0, ...(model.folds ? { folds: model.folds } : {}) },
      ),
    );
    svg.style.transform = offset;
    svg.setAttribute('role', 'img');
    svg.removeAttribute('aria-hidden');
    svg.setAttribute(
      'aria-label',
      `Sequence diagram of ${total} messages between ${model.hosts.join(', ')}; the message list has the same content.`,
    );
    const times = toDom(renderTimeColumn(model.messages, start, end, TIME_COLUMN));
    times.style.transform = offset;
    this.lanes.replaceChildren(svg);
    this.timeColumn.replaceChildren(times);
  }
}
