import type { Exercise, ExerciseRun } from '../runtime/exercise';
import { markSolved } from './exercise-progress';

/**
 * Runs every exercise's check on what a run did and shows each verdict next to its task; a solved
 * exercise is remembered. A check that throws counts as "not yet", with the reason.
 */
export async function showVerdicts(
  root: HTMLElement,
  sandbox: string,
  run: ExerciseRun,
  load: () => Promise<{ exercises: Exercise[] }>,
): Promise<void> {
  const items = [...root.querySelectorAll<HTMLElement>('[data-exercise]')];
  if (items.length === 0) return;
  const { exercises } = await load();
  for (const item of items) {
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
