/**
 * The messages of a run as a keyboard-navigable listbox (the diagram's text alternative): arrow keys,
 * Page Up/Down, Home and End move, Enter or Space shows the wire view. Draws only the rows in view.
 */
import { type TraceModel } from '../trace/trace-model';
import { describeMessage } from '../trace/wire-form';
import { h } from './trace-details';
import { growsWithContent, windowInBox } from './window-rows';

export const LIST_ROW = 26;
const OVERSCAN = 8;

/** The message index a key moves to from `active` in a list of `total`, or undefined for other keys. */
export function keyTarget(
  key: string,
  active: number,
  total: number,
  page: number,
): number | undefined {
  const from = active < 0 ? (key === 'ArrowUp' || key === 'End' ? total : -1) : active;
  const moves: Record<string, number> = {
    ArrowDown: from + 1,
    ArrowUp: from - 1,
    PageDown: from + page,
    PageUp: from - page,
    Home: 0,
    End: total - 1,
  };
  const next = moves[key];
  return next === undefined ? undefined : Math.max(0, Math.min(total - 1, next));
}

export class MessageList {
  readonly element: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private rendered = '';
  follow = true;
  /** The list's height, measured by {@link measure} (reading it while drawing would force a layout). */
  private height = 0;
  /** Where the list is scrolled, as last read on scroll or set here. */
  private scrollTop = 0;
  /** A scroll position to apply once every view has drawn (see frame-scheduler.ts). */
  private scrollTarget: number | undefined;
  /** The position {@link settle} last set: its scroll event is ours, not the reader's. */
  private settled: number | undefined;
  private total = 0;
  /** The list grows with its content (phones): rows in view are those in the window. */
  private windowed = false;

  constructor(
    private readonly id: string,
    handlers: { onScroll(): void; onClick(index: number): void },
  ) {
    this.spacer = h('div', { class: 'tv-spacer' });
    this.element = h(
      'div',
      {
        class: 'tv-list',
        role: 'listbox',
        tabindex: '0',
        'aria-label': 'Messages, in order (arrow keys move, Enter shows the wire view)',
      },
      this.spacer,
    );
    this.element.addEventListener('scroll', () => {
      // A place chosen but not yet applied wins over a stale event (see trace-diagram-pane.ts).
      if (this.scrollTarget !== undefined) return;
      const top = this.element.scrollTop;
      // Our own scroll may report after the list chose another place (a run ended): keep that one.
      if (this.settled !== undefined && Math.abs(top - this.settled) < 1) {
        this.settled = undefined;
        return;
      }
      this.scrollTop = top;
      this.follow = this.scrollTop + this.height >= (this.total - 1) * LIST_ROW;
      handlers.onScroll();
    });
    this.element.addEventListener('click', (event) => {
      const option = (event.target as Element).closest?.('[data-index]');
      if (option) handlers.onClick(Number(option.getAttribute('data-index')));
    });
  }

  /** Reads the list's height and scroll position; call when its size changed (a resize observer). */
  measure(): void {
    this.windowed = growsWithContent(this.element);
    if (this.windowed) {
      this.follow = false;
      this.windowScrolled();
      return;
    }
    this.height = this.element.clientHeight;
    if (this.scrollTarget === undefined) this.scrollTop = this.element.scrollTop;
  }

  /** On a scroll of the page: where the window is over the list; true if the rows in view may change. */
  windowScrolled(): boolean {
    if (!this.windowed) return false;
    ({ top: this.scrollTop, height: this.height } = windowInBox(this.element));
    return true;
  }

  /** Rows that fit in the list, for Page Up / Page Down. */
  get page(): number {
    return Math.max(1, Math.floor(this.height / LIST_ROW) - 1);
  }

  invalidate(): void {
    this.rendered = '';
  }

  /** Removes every row (a new run, or Clear), also while the list is not the view shown. */
  clear(): void {
    this.invalidate();
    this.total = 0;
    this.spacer.replaceChildren();
    this.spacer.style.height = '0px';
    this.element.removeAttribute('aria-activedescendant');
  }

  private scrollTo(y: number): void {
    if (this.windowed) return;
    this.scrollTop = this.scrollTarget = Math.max(0, y);
  }

  scrollToStart(): void {
    this.follow = false;
    this.scrollTo(0);
  }

  reveal(index: number, total: number): void {
    this.follow = index === total - 1;
    const y = index * LIST_ROW;
    if (y < this.scrollTop) this.scrollTo(y);
    else if (y + LIST_ROW > this.scrollTop + this.height) this.scrollTo(y + LIST_ROW - this.height);
  }

  /** Sets the scroll position chosen while drawing (after every view drew: one layout per frame). */
  settle(): void {
    if (this.scrollTarget === undefined) return;
    // Only a real move fires a scroll event to recognise (reading here costs no extra layout).
    if (Math.abs(this.element.scrollTop - this.scrollTarget) >= 1)
      this.element.scrollTop = this.settled = this.scrollTarget;
    this.scrollTarget = undefined;
  }

  /** Draws the rows in view (and a few around them): DOM writes only. */
  render(model: TraceModel, selected: number, active: number): void {
    const total = model.messages.length;
    if (total !== this.total) this.spacer.style.height = `${total * LIST_ROW}px`;
    this.total = total;
    const height = this.height || 260;
    if (this.follow) this.scrollTo(total * LIST_ROW - height);
    const visible = Math.ceil(height / LIST_ROW);
    const top = Math.floor(this.scrollTop / LIST_ROW);
    // Following the end, nothing above the view is about to scroll in: draw only what shows.
    const start = Math.max(0, top - (this.follow ? 0 : OVERSCAN));
    const end = Math.min(total, top + visible + OVERSCAN);
    const key = `${start}:${end}:${total}:${selected}:${active}`;
    if (key === this.rendered) return;
    this.rendered = key;
    this.drawRows(model, start, end, selected, active);
  }

  private drawRows(
    model: TraceModel,
    start: number,
    end: number,
    selected: number,
    active: number,
  ): void {
    const total = model.messages.length;
    const indexes: number[] = [];
    for (let i = start; i < end; i++) indexes.push(i);
    // The active option must exist for aria-activedescendant, even when it is scrolled away.
    if (active >= 0 && (active < start || active >= end)) indexes.push(active);
    const options = indexes.flatMap((index) => {
      const message = model.messages[index];
      if (!message) return [];
      const option = h('div', {
        role: 'option',
        id: `${this.id}-m${index}`,
        class: `tv-option tv-${message.kind}${index === active ? ' tv-active' : ''}`,
        'data-index': String(index),
        'aria-selected': index === selected ? 'true' : 'false',
        'aria-posinset': String(index + 1),
        'aria-setsize': String(total),
      });
      option.style.top = `${index * LIST_ROW}px`;
      option.textContent = describeMessage(message);
      return option;
    });
    this.spacer.replaceChildren(...options);
    if (active >= 0) this.element.setAttribute('aria-activedescendant', `${this.id}-m${active}`);
    else this.element.removeAttribute('aria-activedescendant');
  }
}
