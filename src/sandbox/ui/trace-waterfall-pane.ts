/**
 * The waterfall pane of the traffic view: draws {@link renderWaterfall} for a model into a scrolling
 * box, again only when the trace, the box's width or the selection changed. Like the diagram pane it
 * only writes while drawing: its width comes from {@link measure}, its scroll position is set in
 * {@link settle} (frame-scheduler.ts).
 */
import type { TraceModel } from '../trace/trace-model';
import { formatMs, h } from './trace-details';
import { toDom } from './trace-diagram-pane';

export class WaterfallPane {
  /** The scrolling box (focusable, so keyboard users can scroll it). */
  readonly box: HTMLDivElement;
  private rendered = '';
  private width = 0;
  private scrollTarget: number | undefined;
  /** The drawing code, loaded when the waterfall is first shown (most runs never show it). */
  private drawing: typeof import('./trace-waterfall') | undefined;
  private loading: Promise<void> | undefined;

  /** `redraw` asks for a frame once the drawing code has loaded. */
  constructor(
    onClick: (index: number) => void,
    private readonly redraw: () => void,
  ) {
    this.box = h('div', {
      class: 'tv-waterfall-box',
      tabindex: '0',
      role: 'group',
      'aria-label': 'Waterfall: one row per connection, stream or exchange',
    });
    this.box.addEventListener('click', (event) => {
      const bar = (event.target as Element).closest?.('[data-index]');
      if (bar) onClick(Number(bar.getAttribute('data-index')));
    });
  }

  /** Reads the box's width; call when its size changed (a resize observer). */
  measure(): void {
    this.width = this.box.clientWidth;
  }

  /** Forgets what was drawn, so the next render draws again. */
  invalidate(): void {
    this.rendered = '';
  }

  scrollToStart(): void {
    this.scrollTarget = 0;
  }

  /** Sets the scroll position chosen since the last frame (after every view drew). */
  settle(): void {
    if (this.scrollTarget !== undefined) this.box.scrollTop = this.scrollTarget;
    this.scrollTarget = undefined;
  }

  render(model: TraceModel, selected: number): void {
    const drawing = this.drawing;
    if (!drawing) {
      this.loading ??= import('./trace-waterfall').then((loaded) => {
        this.drawing = loaded;
        this.redraw();
      });
      return;
    }
    const { renderWaterfall, waterfallRows } = drawing;
    const width = this.width || 600;
    const selectedExchange = model.messages[selected]?.exchange;
    const key = `${model.events.length}:${width}:${selectedExchange}`;
    if (key === this.rendered) return;
    this.rendered = key;
    const svg = toDom(
      renderWaterfall(waterfallRows(model.exchanges.values()), {
        width,
        elapsed: model.elapsed,
        ...(selectedExchange ? { selectedExchange } : {}),
      }),
    );
    svg.setAttribute('role', 'img');
    svg.setAttribute(
      'aria-label',
      `Waterfall of ${model.exchanges.size} exchanges over ${formatMs(model.elapsed)}; the message list has the same content.`,
    );
    this.box.replaceChildren(svg);
  }
}
