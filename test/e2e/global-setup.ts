import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { E2E_BASE } from './base';
import { startStaticServer } from './static-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute URL of the served site root, ending in {@link E2E_BASE}. */
    siteUrl: string;
  }
}

const dist = resolve(import.meta.dirname, '../../dist');

/** Serves the built `dist/` under {@link E2E_BASE} for the whole e2e run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const index = resolve(dist, 'index.html');
  const rebuild = `Build it with \`npm run build:e2e\` (SITE_BASE=${E2E_BASE} astro build).`;
  if (!existsSync(index)) throw new Error(`e2e tests need a built site in dist/. ${rebuild}`);
  if (!readFileSync(index, 'utf8').includes(`"${E2E_BASE}_astro/`)) {
    throw new Error(`dist/ was not built under the sub-path ${E2E_BASE}. ${rebuild}`);
  }
  const server = await startStaticServer(dist, E2E_BASE);
  project.provide('siteUrl', server.url);
  return () => server.close();
}
