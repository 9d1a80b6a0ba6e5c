/**
 * What a Run sends besides the files: the build's compiled JavaScript for every unedited file, and
 * the transpiler only when some file was edited. Unedited code therefore runs without the transpiler
 * ever being downloaded (about 45 KB gzip).
 */
import type { RunCode } from '../runtime/runner-client';
import { compiledFiles } from './compiled-code';
import type { PrecompiledFile } from '../runtime/source-positions';

export interface RunCodeUrls {
  /** `sandbox-compiled/<id>.json`, written by the build. */
  compiledUrl: string;
  /** `_sandbox/transpiler-<hash>.js`, written by the build. */
  transpilerUrl: string;
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.text();
}

export class RunCodeSource {
  private compiled: Promise<Record<string, PrecompiledFile>> | undefined;
  private transpiler: Promise<string> | undefined;

  constructor(
    private readonly urls: RunCodeUrls,
    private readonly hashes: Record<string, string>,
    private readonly originals: Record<string, string>,
  ) {}

  /** Starts fetching the compiled files (a Run is likely); harmless to call more than once. */
  prefetch(): void {
    // Without them every file is transpiled in the page, which still works.
    this.compiled ??= compiledFiles(this.urls.compiledUrl);
  }

  /** Compiled code for each file still equal to the chapter's (and matching this build), plus the transpiler if any is not. */
  async forRun(texts: Record<string, string>): Promise<RunCode> {
    this.prefetch();
    const available = (await this.compiled) ?? {};
    const compiled: Record<string, PrecompiledFile> = {};
    let edited = false;
    for (const [file, text] of Object.entries(texts)) {
      const built = available[file];
      if (built && text === this.originals[file] && built.hash === this.hashes[file]) {
        compiled[file] = built;
      } else {
        edited = true;
      }
    }
    if (!edited) return { compiled };
    this.transpiler ??= fetchText(new URL(this.urls.transpilerUrl, location.href).href);
    try {
      return { compiled, transpiler: await this.transpiler };
    } catch (error) {
      this.transpiler = undefined;
      throw new Error(`Could not load the TypeScript transpiler for your edits: ${String(error)}`, {
        cause: error,
      });
    }
  }
}
