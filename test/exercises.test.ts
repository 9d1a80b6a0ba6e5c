/**
 * Every exercise is real: its check fails on the chapter's own code, and passes on the reference
 * solution in `sandboxes/<id>/solutions/<exercise id>/`, both run in Node over real sockets.
 * Found by glob: a sandbox with an `exercises.ts` is covered without editing this file.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runSandboxInNode } from '../src/sandbox/node/harness';
import type { Exercise, ExerciseRun } from '../src/sandbox/runtime/exercise';

const sandboxes = resolve(import.meta.dirname, '../sandboxes');
const withExercises = readdirSync(sandboxes).filter((id) =>
  existsSync(join(sandboxes, id, 'exercises.ts')),
);
const temps: string[] = [];

afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function run(dir: string): Promise<ExerciseRun> {
  const result = await runSandboxInNode(dir);
  return {
    ok: !result.logs.some((line) => line.level === 'error'),
    logs: result.logs,
    trace: result.trace,
  };
}

/** The sandbox with one exercise's solution files laid over it, in a temporary folder. */
function solved(id: string, exercise: string): string {
  const dir = mkdtempSync(join(tmpdir(), `exercise-${id}-`));
  temps.push(dir);
  for (const name of readdirSync(join(sandboxes, id))) {
    const source = (name.endsWith('.ts') && !name.endsWith('.test.ts')) || name === 'sandbox.json';
    if (source) cpSync(join(sandboxes, id, name), join(dir, name));
  }
  cpSync(join(sandboxes, id, 'solutions', exercise), dir, { recursive: true });
  return dir;
}

test('some sandboxes have exercises', () => expect(withExercises.length).toBeGreaterThan(0));

describe.each(withExercises)('%s exercises', (id) => {
  test('each has a unique id, a title, a task and a solution folder', async () => {
    const { exercises } = (await import(join(sandboxes, id, 'exercises.ts'))) as {
      exercises: Exercise[];
    };
    expect(exercises.length).toBeGreaterThan(0);
    expect(new Set(exercises.map((exercise) => exercise.id)).size).toBe(exercises.length);
    for (const exercise of exercises) {
      expect(exercise.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(exercise.title.length).toBeGreaterThan(5);
      expect(exercise.task.length).toBeGreaterThan(20);
      expect(existsSync(join(sandboxes, id, 'solutions', exercise.id))).toBe(true);
    }
  });

  test('every check fails on the chapter code and passes on its solution', async () => {
    const { exercises } = (await import(join(sandboxes, id, 'exercises.ts'))) as {
      exercises: Exercise[];
    };
    const original = await run(join(sandboxes, id));
    for (const exercise of exercises) {
      const before = exercise.check(original);
      expect(before.pass, `${exercise.id} already passes: ${before.message}`).toBe(false);
      const after = exercise.check(await run(solved(id, exercise.id)));
      expect(after.pass, `${exercise.id} solution fails: ${after.message}`).toBe(true);
    }
  }, 60_000);
});
