/**
 * The messages of a run as a keyboard-navigable listbox (the diagram's text alternative): arrow keys,
 * Page Up/Down, Home and End move, Enter or Space shows the wire view. Draws only the rows in view.
 */
import { describeMessage, type TraceModel } from '../trace/trace-model';
import { h } from './trace-details';

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
      const list = this.element;
      this.follow = list.scrollTop + list.clientHeight >= list.scrollHeight - LIST_ROW;
      handlers.onScroll();
    });
    this.element.addEventListener('click', (event) => {
      const option = (event.target as Element).closest?.('[data-index]');
      if (option) handlers.onClick(Number(option.getAttribute('data-index')));
    });
  }

  /** Rows that fit in the list, for Page Up / Page Down. */
  get page(): number {
    return Math.max(1, Math.floor(this.element.clientHeight / LIST_ROW) - 1);
  }

  invalidate(): void {
    this.rendered = '';
  }

  /** Removes every row (a new run, or Clear), also while the list is not the view shown. */
  clear(): void {
    this.invalidate();
    this.spacer.replaceChildren();
    this.spacer.style.height = '0px';
    this.element.removeAttribute('aria-activedescendant');
  }

  scrollToStart(): void {
    this.follow = false;
    this.element.scrollTop = 0;
  }

  reveal(index: number, total: number): void {
    this.follow = index === total - 1;
    const list = this.element;
    const y = index * LIST_ROW;
    if (y < list.scrollTop) list.scrollTop = y;
    else if (y + LIST_ROW > list.scrollTop + list.clientHeight)
      list.scrollTop = y + LIST_ROW - list.clientHeight;
  }

  render(model: TraceModel, selected: number, active: number): void {
    const list = this.element;
    const total = model.messages.length;
    this.spacer.style.height = `${total * LIST_ROW}px`;
    if (this.follow) list.scrollTop = list.scrollHeight;
    const visible = Math.ceil((list.clientHeight || 260) / LIST_ROW);
    const top = Math.floor(list.scrollTop / LIST_ROW);
    const start = Math.max(0, top - OVERSCAN);
    const end = Math.min(total, top + visible + OVERSCAN);
    const key = `${start}:${end}:${total}:${selected}:${active}`;
    if (key === this.rendered) return;
    this.rendered = key;
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
    if (active >= 0) list.setAttribute('aria-activedescendant', `${this.id}-m${active}`);
    else list.removeAttribute('aria-activedescendant');
  }
}
