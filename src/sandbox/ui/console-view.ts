import type { ConsoleEntry } from '../runtime/protocol';

/** Lines kept in the page per run; the runtime caps output too, this bounds the DOM. */
const MAX_LINES = 1500;

/**
 * Draws console output as text (never HTML), labelled by host, batching DOM work per animation frame
 * so a flood of output cannot freeze the page.
 */
export class ConsoleView {
  private pending: Array<{ host: string; level: string; text: string }> = [];
  private frame = 0;
  private lines = 0;
  private droppedLine: HTMLLIElement | undefined;

  constructor(private readonly list: HTMLOListElement) {}

  reset(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pending = [];
    this.lines = 0;
    this.droppedLine = undefined;
    this.list.replaceChildren();
  }

  add(entries: ConsoleEntry[]): void {
    this.pending.push(...entries);
    this.schedule();
  }

  /** A message from the sandbox itself (run started, stopped, crashed). */
  system(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.pending.push({ host: 'sandbox', level, text });
    this.schedule();
  }

  /** Shows (and keeps updating) one "N more lines" line once the runtime's cap is reached. */
  dropped(count: number): void {
    this.flush();
    if (!this.droppedLine) {
      this.droppedLine = this.line('sandbox', 'warn', '');
      this.list.append(this.droppedLine);
    }
    const text = this.droppedLine.lastElementChild;
    if (text)
      text.textContent = `… ${count.toLocaleString('en')} more lines not shown (output is capped per run)`;
  }

  private schedule(): void {
    this.frame ||= requestAnimationFrame(() => this.flush());
  }

  private flush(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.pending.length === 0) return;
    const atBottom = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 8;
    const fragment = document.createDocumentFragment();
    for (const entry of this.pending.splice(0)) {
      if (this.lines >= MAX_LINES) break;
      this.lines += 1;
      fragment.append(this.line(entry.host, entry.level, entry.text));
    }
    if (this.droppedLine) this.list.insertBefore(fragment, this.droppedLine);
    else this.list.append(fragment);
    if (atBottom) this.list.scrollTop = this.list.scrollHeight;
  }

  private line(host: string, level: string, text: string): HTMLLIElement {
    const item = document.createElement('li');
    item.className = `sb-line sb-${level}`;
    const label = document.createElement('span');
    label.className = 'sb-host';
    label.textContent = host;
    const body = document.createElement('span');
    body.className = 'sb-text';
    body.textContent =
      level === 'error' || level === 'warn' ? `${level === 'error' ? '✖' : '⚠'} ${text}` : text;
    item.append(label, body);
    return item;
  }
}
