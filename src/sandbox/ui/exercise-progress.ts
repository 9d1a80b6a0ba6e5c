/**
 * Which exercises the reader has solved, per sandbox, in localStorage. Tiny on purpose: the element
 * that every chapter loads up front restores the marks without loading the runtime.
 */
const keyFor = (sandbox: string): string => `bcp:exercises:v1:${sandbox}`;

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
}
