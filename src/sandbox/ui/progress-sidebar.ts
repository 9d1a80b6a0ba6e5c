/**
 * Solved exercises beside each chapter in the sidebar ("2/3"), with the same as words for screen
 * readers. Reads the build-time list of exercises next to the sidebar and the reader's progress in
 * localStorage; follows changes in this tab and others.
 */
import { PROGRESS_EVENT, progressOf } from './exercise-progress';
import type { ProgressPage } from './progress-data';

const root = document.querySelector<HTMLElement>('[data-progress-sidebar]');

function pages(): ProgressPage[] {
  try {
    const data = root?.querySelector('script[data-progress-pages]')?.textContent;
    return data ? (JSON.parse(data) as ProgressPage[]) : [];
  } catch {
    return [];
  }
}

function render(list: ProgressPage[]): void {
  const base = root?.dataset.progressBase ?? '/';
  for (const page of list) {
    const href = `${base}${page.path}`;
    for (const link of root?.querySelectorAll<HTMLAnchorElement>(`a[href="${CSS.escape(href)}"]`) ??
      []) {
      const { solved, total } = progressOf(page.sandboxes);
      let badge = link.querySelector<HTMLElement>('.bcp-progress');
      if (!badge) {
        badge = document.createElement('span');
        badge.className = 'bcp-progress';
        const visible = document.createElement('span');
        visible.setAttribute('aria-hidden', 'true');
        const spoken = document.createElement('span');
        spoken.className = 'sr-only';
        badge.append(visible, spoken);
        link.append(badge);
      }
      const [visible, spoken] = badge.children;
      if (visible) visible.textContent = `${solved}/${total}`;
      if (spoken) spoken.textContent = `(${solved} of ${total} exercises solved)`;
      badge.dataset.done = String(solved === total);
      badge.title = `${solved} of ${total} exercises solved`;
    }
  }
}

const list = pages();
render(list);
window.addEventListener(PROGRESS_EVENT, () => render(list));
window.addEventListener('storage', () => render(list));
