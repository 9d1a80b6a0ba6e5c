/**
 * Sandbox folder names. A chapter's own sandbox has the chapter's id (`request-response`); a
 * chapter's further sandboxes add a name after a dot (`request-response.upload`), so the chapter
 * that embeds a sandbox is always readable from the folder name, with no list to keep in sync.
 */

/** Lowercase words joined by hyphens, like `long-polling`: chapter ids, and each part of a sandbox id. */
export const CHAPTER_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** `<chapter id>` or `<chapter id>.<name>`, each part lowercase words joined by hyphens. */
export const SANDBOX_ID = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)?$/;

/**
 * The page id a sandbox belongs to: the part before the dot.
 *
 * @example
 * chapterOfSandbox('request-response.upload'); // 'request-response'
 */
export function chapterOfSandbox(id: string): string {
  return id.split('.', 1)[0] ?? id;
}
