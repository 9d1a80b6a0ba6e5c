/** What an edited Run pays per file: sucrase on every sandbox file, warm. */
import { readFileSync } from 'node:fs';
import { globSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'sucrase';
import { summarise, type Row } from './stats.ts';

export function measureSucrase(root: string): Row[] {
  const files = globSync('sandboxes/*/*.ts', { cwd: root })
    .filter((file) => !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .map((file) => readFileSync(join(root, file), 'utf8'));
  const options = { transforms: ['typescript', 'imports'] as Array<'typescript' | 'imports'> };
  for (const source of files) transform(source, options);
  const times = files.map((source) => {
    const start = performance.now();
    transform(source, options);
    return performance.now() - start;
  });
  return [
    {
      label: `sucrase per sandbox file, warm (${files.length} files)`,
      unit: 'ms',
      value: summarise(times),
    },
  ];
}
