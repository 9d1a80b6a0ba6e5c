/**
 * Which sandbox a share link's URL fragment is for. Tiny and separate from the codec, because every
 * chapter page checks it up front to know whether to load the sandbox at once.
 */

/** Fragment key of the sandbox a link is for; the others are `v` (version) and `code` (payload). */
export const SHARE_KEY = 'sandbox';

/** The sandbox id a fragment is for, or undefined when it is not a share link. */
export function sharedSandbox(fragment: string): string | undefined {
  return new URLSearchParams(fragment.replace(/^#/, '')).get(SHARE_KEY) ?? undefined;
}
