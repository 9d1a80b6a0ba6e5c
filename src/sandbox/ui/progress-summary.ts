/**
 * `<bcp-progress-summary>` on the introduction: fills in solved exercises per chapter and in all,
 * and "Reset progress" (asks once, then forgets every solved exercise in this browser).
 */
import { PROGRESS_EVENT, clearProgress, progressOf } from './exercise-progress';
import type { ProgressPage } from './progress-data';

class ProgressSummary extends HTMLElement {
  private pages: ProgressPage[] = [];

  connectedCallback(): void {
    try {
      this.pages = JSON.parse(
        this.querySelector('script[data-progress-pages]')?.textContent ?? '[]',
      ) as ProgressPage[];
    } catch {
      this.pages = [];
    }
    const actions = this.querySelector<HTMLElement>('[data-progress-actions]');
    if (actions) actions.hidden = false;
    this.querySelector('[data-progress-reset]')?.addEventListener('click', () => this.askReset());
    window.addEventListener(PROGRESS_EVENT, () => this.render());
    window.addEventListener('storage', () => this.render());
    this.render();
  }

  private render(): void {
    let solved = 0;
    let total = 0;
    for (const page of this.pages) {
      const progress = progressOf(page.sandboxes);
      solved += progress.solved;
      total += progress.total;
      const cell = this.querySelector(`[data-progress-page="${CSS.escape(page.path)}"]`);
      if (cell) cell.textContent = `${progress.solved} of ${progress.total} solved`;
    }
    const summary = this.querySelector('[data-progress-total]');
    if (summary)
      summary.textContent =
        solved === 0
          ? `You have solved none of the ${total} exercises yet. Solved exercises are remembered in this browser.`
          : `You have solved ${solved} of ${total} exercises. Progress is remembered in this browser only.`;
  }

  private askReset(): void {
    const actions = this.querySelector<HTMLElement>('[data-progress-actions]');
    if (!actions) return;
    const question = document.createElement('span');
    question.textContent = 'Forget every solved exercise in this browser?';
    const yes = this.button('Forget my progress', () => {
      clearProgress();
      this.restoreActions(actions);
    });
    const no = this.button('Keep it', () => this.restoreActions(actions));
    actions.replaceChildren(question, yes, no);
    no.focus();
  }

  private restoreActions(actions: HTMLElement): void {
    const reset = this.button('Reset progress', () => this.askReset());
    reset.dataset.progressReset = '';
    actions.replaceChildren(reset);
    reset.focus();
  }

  private button(label: string, run: () => void): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'bcp-summary-button';
    button.textContent = label;
    button.addEventListener('click', run);
    return button;
  }
}

if (!customElements.get('bcp-progress-summary'))
  customElements.define('bcp-progress-summary', ProgressSummary);
