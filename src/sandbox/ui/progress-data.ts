/**
 * Which exercises each page holds, computed at build time for the sidebar and the introduction's
 * progress summary: page path → sandbox id → exercise ids. Pure; the components pass in the pages
 * (from the content collection) and the exercise modules (from a glob).
 */
import { chapterOfSandbox } from '../runtime/sandbox-id';

/** A page that embeds sandboxes: its path below the site base (`patterns/push/`) and title. */
export interface ProgressPage {
  path: string;
  title: string;
  /** Sandbox id → its exercises' ids, in the order the page shows them. */
  sandboxes: Record<string, string[]>;
}

/**
 * The pages with exercises, in the order given.
 *
 * @example
 * progressPages([{ id: 'patterns/push', title: 'Push', sandbox: 'push' }], { push: ['ack'] });
 * // [{ path: 'patterns/push/', title: 'Push', sandboxes: { push: ['ack'] } }]
 */
export function progressPages(
  pages: Array<{ id: string; title: string; sandbox?: string | undefined }>,
  exercises: Record<string, string[]>,
): ProgressPage[] {
  return pages.flatMap((page) => {
    if (!page.sandbox) return [];
    const sandboxes: Record<string, string[]> = {};
    for (const [id, ids] of Object.entries(exercises).sort(([a], [b]) => a.localeCompare(b))) {
      if (chapterOfSandbox(id) === page.sandbox && ids.length > 0) sandboxes[id] = ids;
    }
    if (Object.keys(sandboxes).length === 0) return [];
    return [{ path: `${page.id.replace(/\/?$/, '/')}`, title: page.title, sandboxes }];
  });
}

/** Exercise ids by sandbox id, from `import.meta.glob('/sandboxes/* /exercises.ts')` modules. */
export function exerciseIds(
  modules: Record<string, Array<{ id: string }>>,
): Record<string, string[]> {
  const ids: Record<string, string[]> = {};
  for (const [path, exercises] of Object.entries(modules)) {
    const sandbox = path.match(/\/sandboxes\/([^/]+)\/exercises\.ts$/)?.[1];
    if (sandbox) ids[sandbox] = exercises.map((exercise) => exercise.id);
  }
  return ids;
}
