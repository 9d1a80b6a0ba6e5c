/**
 * Reader edits, saved per sandbox file in the docs origin's localStorage. Each record keeps a hash of
 * the original it was made against, so a chapter whose code changed never silently overwrites or
 * discards edits. Every call survives storage that is full, disabled or missing.
 */
export interface StoredEdit {
  originalHash: string;
  code: string;
  savedAt: number;
}

const keyFor = (sandbox: string, file: string): string => `bcp:edits:v1:${sandbox}:${file}`;

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** The stored edit for a file, or undefined when there is none or storage cannot be read. */
export function loadEdit(sandbox: string, file: string): StoredEdit | undefined {
  try {
    const raw = storage()?.getItem(keyFor(sandbox, file));
    if (!raw) return undefined;
    const value = JSON.parse(raw) as Partial<StoredEdit>;
    if (typeof value.code !== 'string' || typeof value.originalHash !== 'string') return undefined;
    return {
      code: value.code,
      originalHash: value.originalHash,
      savedAt: Number(value.savedAt) || 0,
    };
  } catch {
    return undefined;
  }
}

/** Saves an edit; returns false when the browser would not store it (full, private mode, disabled). */
export function saveEdit(sandbox: string, file: string, edit: StoredEdit): boolean {
  try {
    const store = storage();
    if (!store) return false;
    store.setItem(keyFor(sandbox, file), JSON.stringify(edit));
    return true;
  } catch {
    return false;
  }
}

export function clearEdit(sandbox: string, file: string): void {
  try {
    storage()?.removeItem(keyFor(sandbox, file));
  } catch {
    // Nothing stored can be removed when storage is unavailable; the reset still happens in the page.
  }
}
