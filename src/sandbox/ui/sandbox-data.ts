import type { SandboxManifest } from '../contract/manifest';

/** The data Sandbox.astro embeds as JSON: the files as the chapter ships them. */
export interface SandboxData {
  id: string;
  manifest: Required<SandboxManifest>;
  files: Record<string, string>;
  hashes: Record<string, string>;
  runnerUrl: string;
  chapterUrl: string;
  compiledUrl: string;
  transpilerUrl: string;
}
