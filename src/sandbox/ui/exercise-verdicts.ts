import type { Exercise, ExerciseRun } from '../runtime/exercise';
import { markSolved } from './exercise-progress';
import { whenIdle } from './frame-scheduler';

/** Each sandbox's exercises, loaded only when needed on a page that has them. */
const exerciseModules = import.meta.glob<{ exercises: Exercise[] }>('/sandboxes/*/exercises.ts');
const exercisesOf = (sandbox: string) => exerciseModules[`/sandboxes/${sandbox}/exercises.ts`];

/**
 * Loads a sandbox's exercise checks while the page is idle, once the reader can edit. Loading them
 * when a run ends (the first time a check is needed) costs a restyle and relayout of the whole page
 * for "Fonts changed" in Chromium at the moment the page is heaviest (decisions/0063).
 */
export function preloadExercises(root: HTMLElement, sandbox: string): void {
  const load = exercisesOf(sandbox);
  if (!load || root.querySelector('[data-exercise]') === null) return;
  whenIdle(() => void load().catch(() => undefined));
}

/**
 * Runs every exercise's check on what a run did and shows each verdict next to its task; a solved
 * exercise is remembered. A check that throws counts as "not yet", with the reason.
 */
export async function showVerdicts(
  root: HTMLElement,
  sandbox: string,
  run: ExerciseRun,
): Promise<void> {
  const items = [...root.querySelectorAll<HTMLElement>('[data-exercise]')];
  const load = exercisesOf(sandbox);
  if (items.length === 0 || !load) return;
  const { exercises } = await load();
  for (const item of items) {
    // One check per task: each reads the whole trace, and a long run's trace is large.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const exercise = exercises.find((each) => each.id === item.dataset.exercise);
    const result = item.querySelector<HTMLElement>('[data-exercise-result]');
    if (!exercise || !result) continue;
    let verdict: { pass: boolean; message: string };
    try {
      verdict = exercise.check(run);
    } catch (error) {
      verdict = { pass: false, message: `The check could not read this run: ${String(error)}` };
    }
    result.dataset.pass = String(verdict.pass);
    result.textContent = `${verdict.pass ? '✓ Solved' : '✗ Not yet'}: ${verdict.message}`;
    if (verdict.pass) markSolved(item, sandbox);
  }
}
