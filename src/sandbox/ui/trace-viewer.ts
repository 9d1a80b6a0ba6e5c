/**
 * `<bcp-trace-viewer>`: opens a HAR file the reader picks or drops and draws it in the sandbox's
 * traffic view. The file is read with `File.text()` and never sent anywhere; a file that cannot be
 * drawn gets a sentence saying why, and whatever was drawn before stays.
 */
import { HarImportError, harToTrace, type ImportedTrace } from '../trace/har-import';
import type { TraceView } from './trace-view';

/** Largest file the viewer reads; beyond it the browser would stall parsing JSON. */
export const MAX_HAR_BYTES = 100 * 1024 * 1024;

const megabytes = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;

class TraceViewerElement extends HTMLElement {
  private view: TraceView | undefined;
  private opening = Promise.resolve();

  connectedCallback(): void {
    const input = this.querySelector<HTMLInputElement>('[data-har-input]');
    const zone = this.querySelector<HTMLElement>('[data-drop-zone]');
    input?.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) this.queue(file);
      input.value = '';
    });
    zone?.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.dataset.over = 'true';
    });
    zone?.addEventListener('dragleave', () => delete zone.dataset.over);
    zone?.addEventListener('drop', (event) => {
      event.preventDefault();
      delete zone.dataset.over;
      const file = event.dataTransfer?.files[0];
      if (file) this.queue(file);
      else this.fail('Drop a file here: what was dropped is not a file.');
    });
    this.dataset.ready = 'true';
  }

  /** One file at a time, in the order the reader chose them. */
  private queue(file: File): void {
    this.opening = this.opening.then(() => this.open(file));
  }

  private async open(file: File): Promise<void> {
    if (file.size > MAX_HAR_BYTES) {
      this.fail(
        `${file.name} is ${megabytes(file.size)}; the viewer opens HAR files up to ${megabytes(MAX_HAR_BYTES)}.`,
      );
      return;
    }
    let imported: ImportedTrace;
    try {
      imported = harToTrace(await file.text());
    } catch (error) {
      this.fail(
        error instanceof HarImportError
          ? `${file.name}: ${error.message}`
          : `${file.name} could not be read (${(error as Error).message}).`,
      );
      return;
    }
    const view = await this.traceView(imported.hosts);
    view.reset(imported.hosts);
    view.add(imported.events);
    view.finish();
    const requests = imported.events.filter((event) => event.kind === 'request').length;
    const sockets = imported.events.filter((event) => event.kind === 'ws-open').length;
    const parts = [`${requests} ${requests === 1 ? 'request' : 'requests'}`];
    if (sockets > 0)
      parts.push(`${sockets} WebSocket ${sockets === 1 ? 'connection' : 'connections'}`);
    this.say(
      `${file.name}: ${parts.join(' and ')} between ${imported.hosts.length} hosts, from ${imported.startedAt}.`,
      imported.notes,
    );
  }

  private async traceView(hosts: string[]): Promise<TraceView> {
    if (this.view) return this.view;
    const { TraceView } = await import('./trace-view');
    const root = this.querySelector<HTMLElement>('[data-trace]');
    const section = this.querySelector<HTMLElement>('[data-trace-section]');
    if (!root || !section) throw new Error('<bcp-trace-viewer> markup has no [data-trace]');
    section.hidden = false;
    this.view = new TraceView(root, { hosts, name: 'har' });
    return this.view;
  }

  private say(summary: string, notes: string[]): void {
    const status = this.querySelector<HTMLElement>('[data-viewer-status]');
    const error = this.querySelector<HTMLElement>('[data-viewer-error]');
    if (error) {
      error.hidden = true;
      error.textContent = '';
    }
    if (status) status.textContent = [summary, ...notes].join(' ');
  }

  private fail(message: string): void {
    const error = this.querySelector<HTMLElement>('[data-viewer-error]');
    if (!error) return;
    error.textContent = message;
    error.hidden = false;
  }
}

if (!customElements.get('bcp-trace-viewer'))
  customElements.define('bcp-trace-viewer', TraceViewerElement);
