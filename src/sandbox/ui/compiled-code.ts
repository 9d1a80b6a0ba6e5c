/**
 * The build's compiled files of a sandbox (`sandbox-compiled/<id>.json`), fetched once per page.
 * Small enough for the code every chapter loads up front: the sandbox element starts the fetch at the
 * first sign of intent, beside the runner frame, and `RunCodeSource` reads the same promise.
 */
import type { PrecompiledFile } from '../runtime/source-positions';

const fetched = new Map<string, Promise<Record<string, PrecompiledFile>>>();

/** Resolves with the compiled files, or with none when they cannot be had (every file is then transpiled). */
export function compiledFiles(url: string): Promise<Record<string, PrecompiledFile>> {
  const href = new URL(url, location.href).href;
  let files = fetched.get(href);
  if (!files) {
    files = fetch(href)
      .then((response) => (response.ok ? response.json() : {}))
      .then((json) => json as Record<string, PrecompiledFile>)
      .catch(() => ({}));
    fetched.set(href, files);
  }
  return files;
}
