/**
 * Stands in for `@pagefind/default-ui`, which astro.config.mjs aliases to this file. Starlight's
 * search imports Pagefind's UI at the first idle moment of every page load: 27 KB gzip of script,
 * evaluated and building its interface while the page still loads, inside Lighthouse's blocking-time
 * window (decisions/0077). This keeps Starlight's call as it is and builds the real UI only when the
 * reader shows intent to search: the pointer on the search button, a touch or focus on it, a click,
 * or Ctrl/⌘+K. If the dialog is already open when it is built, its input takes focus.
 */
type Options = { element: string } & Record<string, unknown>;

const INTENTS = ['pointerenter', 'pointerdown', 'focus', 'click'] as const;

export class PagefindUI {
  private readonly button = document.querySelector<HTMLButtonElement>(
    'site-search button[data-open-modal]',
  );
  private started = false;
  private readonly start = (): void => this.build();
  private readonly onKey = (event: KeyboardEvent): void => {
    if ((event.metaKey || event.ctrlKey) && event.key.toLowerCase() === 'k') this.build();
  };

  constructor(private readonly options: Options) {
    if (!this.button) {
      this.build();
      return;
    }
    for (const type of INTENTS) this.button.addEventListener(type, this.start);
    window.addEventListener('keydown', this.onKey);
  }

  private build(): void {
    if (this.started) return;
    this.started = true;
    for (const type of INTENTS) this.button?.removeEventListener(type, this.start);
    window.removeEventListener('keydown', this.onKey);
    void import('@pagefind/default-ui/npm_dist/mjs/ui-core.mjs').then(({ PagefindUI: Real }) => {
      // Opened before the UI was built (a click, Ctrl+K): Starlight found no input to focus.
      const open = document.querySelector(this.options.element)?.closest('dialog')?.open ?? false;
      new Real({ ...this.options, autofocus: open });
    });
  }
}
