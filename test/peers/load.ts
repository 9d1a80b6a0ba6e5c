import { existsSync, globSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PeerPlan } from './plan.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Every sandbox folder (found by glob) with its peers.ts plan, or an empty plan when it has none.
 *
 * @example
 * for (const { id, dir, plan } of await sandboxesWithPlans()) console.log(id, plan.params);
 */
export async function sandboxesWithPlans(): Promise<
  Array<{ id: string; dir: string; plan: PeerPlan }>
> {
  const ids = globSync('sandboxes/*/sandbox.json', { cwd: root }).map(
    (file) => file.split('/')[1] ?? '',
  );
  return Promise.all(
    ids.sort().map(async (id) => {
      const dir = join(root, 'sandboxes', id);
      const file = join(dir, 'peers.ts');
      const plan = existsSync(file)
        ? ((await import(pathToFileURL(file).href)) as { default: PeerPlan }).default
        : {};
      return { id, dir, plan };
    }),
  );
}
