import type { ConsoleEntry } from '../runtime/protocol';
import { cancelDraw, requestDraw, requestOutputDraw, type FrameWork } from './frame-scheduler';

/** Lines kept in the page per run; the runtime caps output too, this bounds the DOM. */
const MAX_LINES = 1500;

/**
 * Draws console output as text (never HTML), labelled by host, batching DOM work per animation frame
 * (shared with the traffic view, see frame-scheduler.ts) so a flood of output cannot freeze the page.
 */
export class ConsoleView implements FrameWork {
  private pending: Array<{ host: string; level: string; text: string }> = [];
  private lines = 0;
  private droppedLine: HTMLLIElement | undefined;
  private droppedCount = 0;
  private droppedShown = 0;
  /** The reader is at the last line (or has not scrolled): new lines keep the last one in view. */
  private stick = true;
  private appended = false;

  constructor(private readonly list: HTMLOListElement) {
    // Read on scroll, when the layout is current, so drawing never has to read it.
    list.addEventListener('scroll', () => {
      this.stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
    });
  }

  reset(): void {
    cancelDraw(this);
    this.pending = [];
    this.stick = true;
    this.lines = 0;
    this.droppedLine = undefined;
    this.droppedCount = this.droppedShown = 0;
    this.list.replaceChildren();
  }

  add(entries: ConsoleEntry[]): void {
    this.pending.push(...entries);
    requestOutputDraw(this);
  }

  /** A message from the sandbox itself (run started, stopped, crashed). */
  system(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.pending.push({ host: 'sandbox', level, text });
    this.schedule();
  }

  /** Shows (and keeps updating) one "N more lines" line once the runtime's cap is reached. */
  dropped(count: number): void {
    // Counted now, drawn with the next frame's lines: a flood reports this once per message.
    this.droppedCount = count;
    this.schedule();
  }

  private schedule(): void {
    requestDraw(this);
  }

  /** Draws the lines waiting now, when the run ended: its status and its last lines show together. */
  flush(): void {
    cancelDraw(this);
    this.draw();
    // Following the end is a scroll position: set on the next frame, after layout.
    requestDraw(this);
  }

  /** Appends the lines that arrived since the last frame (part of the frame, frame-scheduler.ts). */
  draw(): void {
    const fragment = document.createDocumentFragment();
    for (const entry of this.pending.splice(0)) {
      if (this.lines >= MAX_LINES) break;
      this.lines += 1;
      fragment.append(this.line(entry.host, entry.level, entry.text));
    }
    // Cleared by settle(): a flush's draw and the frame's draw after it both keep it set.
    if (fragment.childNodes.length > 0) this.appended = true;
    if (this.droppedLine) this.list.insertBefore(fragment, this.droppedLine);
    else this.list.append(fragment);
    if (this.droppedCount !== this.droppedShown) this.showDropped(this.droppedCount);
  }

  /** Keeps the last line in view, once every view has drawn. */
  settle(): void {
    if (this.appended && this.stick) this.list.scrollTop = this.list.scrollHeight;
    this.appended = false;
  }

  private showDropped(count: number): void {
    this.droppedShown = count;
    if (!this.droppedLine) {
      this.droppedLine = this.line('sandbox', 'warn', '');
      this.list.append(this.droppedLine);
      this.appended = true;
    }
    const text = this.droppedLine.lastElementChild;
    if (text)
      text.textContent = `… ${count.toLocaleString('en')} more lines not shown (output is capped per run)`;
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
