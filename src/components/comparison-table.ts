/**
 * `<bcp-comparison-table>`: fills the comparison page's table from the run of the sandbox above it.
 * It listens on `document` for the events the `<bcp-sandbox>` element dispatches (they bubble):
 * `sandbox:start` resets, `sandbox:trace` and `sandbox:console` feed the numbers, `sandbox:end`
 * says whether the run finished. Text goes in through textContent only.
 * The computation (and the trace model under it) loads on the first event, that is once the reader
 * has pressed Run and the sandbox has loaded the same trace model itself, so the page carries
 * almost no extra JavaScript before intent.
 */
import type { ConsoleEntry } from '../sandbox/runtime/protocol';
import type { TraceEvent } from '../sandbox/trace/events';
import type { ComparisonRun } from './comparison-metrics';

type Metrics = typeof import('./comparison-metrics');

class ComparisonTableElement extends HTMLElement {
  private metrics: Metrics | undefined;
  /** Events are applied in order, each once the metrics module has loaded. */
  private queue: Promise<void> = Promise.resolve();
  private run: ComparisonRun | undefined;
  private frame = 0;
  private readonly onEvent = (event: Event): void => this.handle(event);

  connectedCallback(): void {
    for (const type of ['sandbox:start', 'sandbox:trace', 'sandbox:console', 'sandbox:end'])
      document.addEventListener(type, this.onEvent);
  }

  disconnectedCallback(): void {
    for (const type of ['sandbox:start', 'sandbox:trace', 'sandbox:console', 'sandbox:end'])
      document.removeEventListener(type, this.onEvent);
    cancelAnimationFrame(this.frame);
  }

  private get clients(): string[] {
    return [...this.querySelectorAll<HTMLElement>('thead th[data-client]')].map(
      (heading) => heading.dataset.client ?? '',
    );
  }

  private handle(event: Event): void {
    const source = (event.target as HTMLElement | null)?.closest?.<HTMLElement>('bcp-sandbox');
    if (source?.dataset.sandbox !== this.dataset.sandbox) return;
    const detail = (event as CustomEvent<Record<string, unknown>>).detail ?? {};
    this.queue = this.queue
      .then(async () => {
        this.metrics ??= await import('./comparison-metrics');
        this.apply(this.metrics, event.type, detail);
      })
      .catch((error: unknown) => {
        this.status(`The table could not be filled in: ${String(error)}`);
      });
  }

  private apply(metrics: Metrics, type: string, detail: Record<string, unknown>): void {
    switch (type) {
      case 'sandbox:start':
        this.run = new metrics.ComparisonRun(this.clients);
        this.status('Running: the table fills in as the updates arrive.');
        this.render();
        return;
      case 'sandbox:trace':
        this.run?.addTrace((detail.events as TraceEvent[] | undefined) ?? []);
        return this.schedule();
      case 'sandbox:console':
        this.run?.addConsole((detail.entries as ConsoleEntry[] | undefined) ?? []);
        return this.schedule();
      case 'sandbox:end':
        cancelAnimationFrame(this.frame);
        this.render();
        this.status(
          detail.ok
            ? 'Measured in your browser, in the run that just finished. Press Run again to repeat it.'
            : 'The run did not finish: the numbers cover only what happened before it ended.',
        );
    }
  }

  /** Redraws at most once per frame, however many batches arrive. */
  private schedule(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.render());
  }

  private status(text: string): void {
    const status = this.querySelector('[data-status]');
    if (status) status.textContent = text;
  }

  private render(): void {
    if (!this.run || !this.metrics) return;
    const { cellTexts } = this.metrics;
    const total = Number(this.dataset.updates) || undefined;
    const measures = [...this.querySelectorAll('tbody tr')];
    for (const row of this.run.rows()) {
      const selector = `td[data-client="${CSS.escape(row.client)}"]`;
      cellTexts(row, total).forEach((text, index) => {
        const cell = measures[index]?.querySelector(selector);
        if (cell) cell.textContent = text;
      });
    }
  }
}

if (!customElements.get('bcp-comparison-table'))
  customElements.define('bcp-comparison-table', ComparisonTableElement);
