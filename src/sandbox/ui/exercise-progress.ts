/**
 * Which exercises the reader has solved, per sandbox, in localStorage. Tiny on purpose: the element
 * that every chapter loads up front restores the marks without loading the runtime.
 */
const PREFIX = 'bcp:exercises:v1:';
const keyFor = (sandbox: string): string => `${PREFIX}${sandbox}`;

/** Fired on `window` when solved exercises change in this tab (other tabs get a `storage` event). */
export const PROGRESS_EVENT = 'bcp:progress';

/** The ids of solved exercises; empty when none are stored or storage is unavailable. */
export function solvedExercises(sandbox: string): string[] {
  try {
    const value = JSON.parse(localStorage.getItem(keyFor(sandbox)) ?? '[]') as unknown;
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** Shows an exercise as solved. */
export function showSolved(item: HTMLElement): void {
  item.dataset.state = 'solved';
  const state = item.querySelector('[data-exercise-state]');
  if (state) state.textContent = 'Solved';
}

/** Shows an exercise as solved and remembers it (if storage allows). */
export function markSolved(item: HTMLElement, sandbox: string): void {
  showSolved(item);
  const id = item.dataset.exercise;
  if (!id) return;
  try {
    const solved = new Set(solvedExercises(sandbox)).add(id);
    localStorage.setItem(keyFor(sandbox), JSON.stringify([...solved]));
  } catch {
    // Unsaved progress is not worth interrupting the reader for.
  }
  window.dispatchEvent(new CustomEvent(PROGRESS_EVENT));
}

/** How many of these sandboxes' exercises (sandbox id → exercise ids) are solved, and of how many. */
export function progressOf(sandboxes: Record<string, string[]>): { solved: number; total: number } {
  let solved = 0;
  let total = 0;
  for (const [sandbox, ids] of Object.entries(sandboxes)) {
    const done = new Set(solvedExercises(sandbox));
    total += ids.length;
    solved += ids.filter((id) => done.has(id)).length;
  }
  return { solved, total };
}

/** Forgets every solved exercise on this site (the introduction's "Reset progress"). */
export function clearProgress(): void {
  try {
    const keys: string[] = [];
    for (let index = 0; index < localStorage.length; index += 1) {
      const key = localStorage.key(index);
      if (key?.startsWith(PREFIX)) keys.push(key);
    }
    for (const key of keys) localStorage.removeItem(key);
  } catch {
    // Nothing stored can be removed when storage is unavailable.
  }
  window.dispatchEvent(new CustomEvent(PROGRESS_EVENT));
}
