/**
 * `<bcp-sandbox>`: the only sandbox code every chapter page loads up front. It makes the file tabs
 * work and waits for intent (Run, Ctrl/Cmd+Enter, touching the code, or saved edits to restore);
 * then it loads the controller, which brings the editor and runtime.
 */
import { openRunnerFrame, prewarmRunnerFrame } from '../runtime/runner-frame';
import { compiledFiles } from './compiled-code';
import { showSolved, solvedExercises } from './exercise-progress';
import { sharedSandbox } from './share-fragment';
import type { SandboxController } from './sandbox-controller';
import type { SandboxData } from './sandbox-data';
import type { DeferredFile } from './deferred-code';

/** Sandboxes now on screen: while any is, the page hides its table of contents (the sandbox covers its column). */
const onScreen = new Set<Element>();
const visibility =
  typeof IntersectionObserver === 'undefined'
    ? undefined
    : new IntersectionObserver((entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting) onScreen.add(entry.target);
          else onScreen.delete(entry.target);
        }
        document.documentElement.toggleAttribute('data-sandbox-in-view', onScreen.size > 0);
      });

let prewarmScheduled = false;

/** How long after load the page leaves to itself (its own layout, fonts, a reader's first scroll). */
const PREWARM_AFTER_LOAD_MS = 3000;

/** An idle period this long means nothing else is queued. */
const QUIET_IDLE_MS = 45;

/**
 * A few seconds after load, at a moment the browser is fully idle, makes the runner's empty
 * sandboxed frame (no request, no script) so a first Run does not wait for its process
 * (decisions/0081). Making a frame takes the page's main thread about 25 ms on a 2-core machine,
 * so it waits until the page has settled.
 */
function prewarmWhenIdle(): void {
  if (prewarmScheduled) return;
  prewarmScheduled = true;
  const whenQuiet = (deadline: IdleDeadline) => {
    if (deadline.timeRemaining() >= QUIET_IDLE_MS) prewarmRunnerFrame();
    else requestIdleCallback(whenQuiet);
  };
  // An engine without requestIdleCallback makes the frame when the wait is over.
  const afterWait = () =>
    typeof requestIdleCallback === 'function'
      ? requestIdleCallback(whenQuiet)
      : prewarmRunnerFrame();
  const start = () => setTimeout(afterWait, PREWARM_AFTER_LOAD_MS);
  if (document.readyState === 'complete') start();
  else window.addEventListener('load', start, { once: true });
}

/** Windows this narrow show one pane at a time (sandbox-layout.css); wider ones show every pane. */
const ONE_PANE = '(max-width: 71.99rem)';

class SandboxElement extends HTMLElement {
  private controller: Promise<SandboxController> | undefined;
  private parsed: SandboxData | undefined;
  private deferredCode: Promise<Record<string, DeferredFile>> | undefined;

  connectedCallback(): void {
    this.setUpTabs();
    this.setUpPanes();
    visibility?.observe(this);
    const solved = solvedExercises(this.dataset.sandbox ?? '');
    for (const item of this.querySelectorAll<HTMLElement>('[data-exercise]')) {
      if (solved.includes(item.dataset.exercise ?? '')) showSolved(item);
    }
    for (const button of this.querySelectorAll<HTMLButtonElement>('[data-action]')) {
      if (button.dataset.action !== 'stop') button.disabled = false;
    }
    this.addEventListener('click', (event) => {
      const action = (event.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset
        .action;
      if (action === 'run') this.runNow();
      if (action === 'stop') void this.load().then((controller) => controller.stop());
      if (action === 'reset') void this.load().then((controller) => controller.reset());
      if (action === 'share') void this.load().then((controller) => controller.share.copy());
      if (action === 'stackblitz')
        void this.load().then((controller) => controller.openInStackblitz());
    });
    this.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.runNow();
      }
    });
    // Touching the highlighted code turns it into an editor at the same place.
    this.addEventListener('pointerdown', (event) =>
      this.editFrom(event.target, { x: event.clientX, y: event.clientY }),
    );
    // From the keyboard: Enter on the focused code opens the editor there.
    this.addEventListener('keydown', (event) => {
      const plain = !event.ctrlKey && !event.metaKey && !event.altKey && !event.shiftKey;
      if (event.key === 'Enter' && plain && this.isStaticCode(event.target)) {
        event.preventDefault();
        this.editFrom(event.target);
      }
    });
    // A pointer resting on the sandbox, or keyboard focus entering it, makes a Run likely: start
    // the runner now so the click only sends the run (loading the controller also checks the knobs).
    const prepare = () => {
      this.startRunner();
      void this.load().then((controller) => controller.prepare());
    };
    this.addEventListener('pointerenter', prepare, { once: true });
    this.addEventListener('focusin', prepare, { once: true });
    if (this.hasSavedEdits() || this.isShared()) void this.load();
    prewarmWhenIdle();
    // A share link pasted into the address bar of an open chapter changes only the fragment.
    window.addEventListener('hashchange', () => {
      if (this.isShared())
        void this.load().then((controller) => controller.share.openFromLocation());
    });
  }

  disconnectedCallback(): void {
    visibility?.unobserve(this);
    onScreen.delete(this);
  }

  /** Run: the runner frame starts at once, beside the controller chunk, not after it. */
  private runNow(): void {
    this.startRunner();
    void this.load().then((controller) => controller.run());
  }

  /**
   * Starts the runner frame (its process, document and spare worker) and the fetch of the compiled
   * code without waiting for the controller, which later takes both over (decisions/0031).
   */
  private startRunner(): void {
    const { runnerUrl, compiledUrl } = this.data();
    if (compiledUrl) void compiledFiles(compiledUrl);
    // A failure here is not the reader's concern yet: Run tries again and reports it where they look.
    if (runnerUrl) openRunnerFrame(new URL(runnerUrl, location.href)).catch(() => undefined);
  }

  private isShared(): boolean {
    return sharedSandbox(location.hash) === this.dataset.sandbox;
  }

  private isStaticCode(target: EventTarget | null): boolean {
    return Boolean((target as HTMLElement | null)?.closest('[data-static]'));
  }

  private editFrom(target: EventTarget | null, at?: { x: number; y: number }): void {
    const panel = (target as HTMLElement | null)
      ?.closest<HTMLElement>('[data-static]')
      ?.closest<HTMLElement>('[role="tabpanel"]');
    const file = panel?.dataset.file;
    if (!file) return;
    void this.load().then((controller) => controller.showEditor(file, true, at));
  }

  private data(): SandboxData {
    const script = this.querySelector('script[data-sandbox-data]');
    this.parsed ??= JSON.parse(script?.textContent ?? '{}') as SandboxData;
    return this.parsed;
  }

  private hasSavedEdits(): boolean {
    try {
      const prefix = `bcp:edits:v1:${this.dataset.sandbox}:`;
      for (let index = 0; index < localStorage.length; index += 1) {
        if (localStorage.key(index)?.startsWith(prefix)) return true;
      }
    } catch {
      // Storage unavailable: there is nothing to restore.
    }
    return false;
  }

  private load(): Promise<SandboxController> {
    // The controller's chunks load side by side: the build inserts no modulepreload links (each one
    // relaid out the whole page, decisions/0075), so its imports would otherwise load one by one.
    this.controller ??= Promise.all([
      import('./sandbox-controller'),
      import('./trace-view'),
      import('../trace/trace-model'),
      import('../trace/validate'),
    ]).then(([{ SandboxController }]) => new SandboxController(this, this.data()));
    return this.controller;
  }

  /** The highlighted code of the files not in the page (fetched once, on the first hint of use). */
  private codeFiles(): Promise<Record<string, DeferredFile>> {
    if (this.deferredCode) return this.deferredCode;
    const loading = fetch(this.dataset.codeUrl ?? '').then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json() as Promise<Record<string, DeferredFile>>;
    });
    // A failed fetch is tried again on the next tab.
    loading.catch(() => {
      if (this.deferredCode === loading) this.deferredCode = undefined;
    });
    this.deferredCode = loading;
    return loading;
  }

  /**
   * Puts a file's highlighted code in place of its placeholder (SandboxCode.astro). Code from another
   * build, or none at all, leaves the plain source instead: the reader still sees the file.
   */
  private async showCode(panel: HTMLElement): Promise<void> {
    const placeholder = panel.querySelector<HTMLElement>('[data-deferred-code]');
    if (!placeholder) return;
    const file = placeholder.dataset.deferredCode ?? '';
    const deferred = await this.codeFiles().catch(() => undefined);
    if (!placeholder.isConnected) return;
    const entry = deferred?.[file];
    if (entry && entry.hash === placeholder.dataset.hash) {
      // Build output from this site's own origin, not reader or runner text.
      const template = document.createElement('template');
      template.innerHTML = entry.html;
      placeholder.replaceWith(template.content);
    } else {
      const pre = document.createElement('pre');
      pre.className = 'sb-code-plain';
      pre.textContent = this.data().files[file] ?? '';
      placeholder.replaceWith(pre);
    }
  }

  /** On a narrow sandbox one pane shows at a time; these toggle buttons pick it (CSS hides the rest). */
  private setUpPanes(): void {
    const buttons = [...this.querySelectorAll<HTMLButtonElement>('[data-show]')];
    for (const button of buttons) {
      button.addEventListener('click', () => {
        this.dataset.pane = button.dataset.show ?? 'work';
        for (const each of buttons) each.setAttribute('aria-pressed', String(each === button));
        this.revealPane();
      });
    }
  }

  /**
   * The pane just picked starts where the old one did, often above the sticky run bar or the view
   * (the reader had scrolled down a long file): bring its top back just under the bar, or Trace
   * seems to show only the end of the diagram, or nothing. A wide window shows every pane: nothing
   * moved, and reading the layout here would lay out the page in the middle of a Run's click.
   */
  private revealPane(): void {
    if (!matchMedia(ONE_PANE).matches) return;
    const bar = this.querySelector('.sb-runbar');
    // The console pane starts with the fault buttons where the sandbox has some (sandbox.css).
    const selector = {
      work: '.sb-knobs, .sb-work',
      console: '.sb-knobs, .sb-console',
      trace: '.sb-trace',
    };
    const pane = [
      ...this.querySelectorAll<HTMLElement>(selector[this.dataset.pane as 'work'] ?? '.sb-work'),
    ].find((element) => element.offsetParent !== null);
    if (!(bar instanceof HTMLElement) || !pane) return;
    // Where the bar's bottom sits once it sticks (the sandbox may have just shrunk above the view).
    const under = parseFloat(getComputedStyle(bar).top) + bar.offsetHeight;
    const hidden = under - pane.getBoundingClientRect().top;
    if (hidden > 0) window.scrollBy({ top: -hidden, behavior: 'instant' });
  }

  /** WAI-ARIA tabs: click or arrow keys switch files; only the selected tab is in the tab order. */
  private setUpTabs(): void {
    const tabs = [...this.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
    const select = (tab: HTMLButtonElement, focus: boolean) => {
      for (const each of tabs) {
        const selected = each === tab;
        each.setAttribute('aria-selected', String(selected));
        each.tabIndex = selected ? 0 : -1;
        // Sandbox ids may hold a dot (request-response.upload): escape the id for the selector.
        const panel = this.querySelector<HTMLElement>(
          `#${CSS.escape(each.getAttribute('aria-controls') ?? '')}`,
        );
        if (panel) panel.hidden = !selected;
        if (panel && selected) void this.showCode(panel);
      }
      if (focus) tab.focus();
    };
    // Pointing at or focusing a file's tab fetches the code it will show.
    const prefetch = () => void this.codeFiles().catch(() => undefined);
    for (const tab of tabs) {
      if (tab.dataset.file) {
        tab.addEventListener('pointerenter', prefetch, { once: true });
        tab.addEventListener('focus', prefetch, { once: true });
      }
      tab.addEventListener('click', () => select(tab, false));
      tab.addEventListener('keydown', (event) => {
        const index = tabs.indexOf(tab);
        const next =
          event.key === 'ArrowRight'
            ? tabs[(index + 1) % tabs.length]
            : event.key === 'ArrowLeft'
              ? tabs[(index - 1 + tabs.length) % tabs.length]
              : event.key === 'Home'
                ? tabs[0]
                : event.key === 'End'
                  ? tabs.at(-1)
                  : undefined;
        if (next) {
          event.preventDefault();
          select(next, true);
        }
      });
    }
  }
}

if (!customElements.get('bcp-sandbox')) customElements.define('bcp-sandbox', SandboxElement);
