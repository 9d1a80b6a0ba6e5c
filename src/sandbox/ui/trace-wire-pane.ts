/**
 * The wire view of the traffic view: the selected message's bytes in a pane beside the diagram or
 * list when the view is wide enough, below it on a phone (trace-panes.css), where selecting a
 * message scrolls it into view. Escape (anywhere in the view) or its close button closes it; focus
 * inside it then goes back to the view the reader came from, not to the page's top.
 */
import type { TraceModel } from '../trace/trace-model';
import { h, renderWire } from './trace-details';
import { bringIntoView } from './frame-scheduler';

export class WirePane {
  /** The pane, a group rather than a landmark: a page with several sandboxes has several. */
  readonly pane: HTMLElement;
  private readonly wire: HTMLDivElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly handlers: {
      /** The pane opened or closed (the workbench gives it room). */
      changed(open: boolean): void;
      /** The view pane now shown, to take focus back when the wire view closes around it. */
      view(): HTMLElement;
    },
  ) {
    const close = h(
      'button',
      { type: 'button', class: 'tv-close', 'aria-label': 'Close the wire view' },
      '×',
    );
    close.addEventListener('click', () => this.close());
    this.wire = h('div', { class: 'tv-wire' });
    this.pane = h(
      'section',
      { class: 'tv-details', role: 'group', 'aria-label': 'Wire view', tabindex: '-1' },
      close,
      this.wire,
    );
    this.setOpen(false);
  }

  get open(): boolean {
    return this.root.dataset.details === 'open';
  }

  /** Shows message `index` of `model`; `reveal` (the reader picked it) scrolls the pane into view. */
  show(model: TraceModel, index: number, reveal: boolean): void {
    renderWire(this.wire, model, index);
    this.pane.scrollTop = 0;
    this.setOpen(true);
    if (reveal) bringIntoView(this.pane, 'nearest');
  }

  /** Empties and closes the pane (a new run, or nothing selected). */
  clear(model: TraceModel): void {
    renderWire(this.wire, model, -1);
    this.setOpen(false);
  }

  /** Closes the pane; focus inside it returns to the view beside it. */
  close(): void {
    const hadFocus = this.pane.contains(document.activeElement);
    this.setOpen(false);
    if (hadFocus) this.handlers.view().focus();
  }

  /** Escape closes the pane from anywhere in the view; true when it did. */
  onKey(event: KeyboardEvent): boolean {
    if (event.key !== 'Escape' || !this.open) return false;
    event.preventDefault();
    this.close();
    return true;
  }

  private setOpen(open: boolean): void {
    this.root.dataset.details = open ? 'open' : 'closed';
    this.handlers.changed(open);
  }
}
