/**
 * The sandbox's questions about the reader's edits: bringing back saved edits when the page opens
 * (and asking when the chapter's code changed since), and Reset (which files, with an Undo). Nothing
 * the reader typed is lost without a choice.
 */
import { clearEdit, loadEdit } from './edit-storage';
import type { NoticeAction, NoticeKind } from './sandbox-notice';

/** What the dialogs need from the sandbox they belong to. */
export interface EditHost {
  id: string;
  /** File names in tab order. */
  files: string[];
  /** The code as the chapter ships it, and its hash per file. */
  originals: Record<string, string>;
  hashes: Record<string, string>;
  /** The code the reader sees now (changed in place). */
  texts: Record<string, string>;
  /** Shows `text` in the file's editor (opening it), or just opens it when `text` is undefined. */
  showText(file: string, text?: string): void;
  /** Puts `text` into the file's editor if it has one open. */
  setText(file: string, text: string): void;
  /** Saves the file's current text (or forgets the save when it equals the original). */
  persist(file: string): void;
  markEdited(): void;
  notice(text: string, actions?: NoticeAction[], kind?: NoticeKind): HTMLButtonElement | undefined;
  status(text: string): void;
  stop(): void;
}

/** Brings back saved edits without running them; asks when the chapter's code changed since. */
export function restoreSavedEdits(host: EditHost): void {
  const restored: string[] = [];
  const outdated: Array<{ file: string; code: string }> = [];
  for (const file of host.files) {
    const edit = loadEdit(host.id, file);
    if (!edit || edit.code === host.originals[file]) continue;
    if (edit.originalHash === host.hashes[file]) {
      host.texts[file] = edit.code;
      restored.push(file);
    } else {
      outdated.push({ file, code: edit.code });
    }
  }
  for (const file of restored) host.showText(file);
  host.markEdited();
  if (outdated.length > 0) {
    const names = outdated.map((entry) => entry.file).join(', ');
    host.notice(
      `This chapter's code changed since you edited ${names}. Keep your version or take the new one?`,
      [
        {
          label: 'Keep my edits',
          run: () => {
            for (const { file, code } of outdated) {
              host.texts[file] = code;
              host.persist(file);
              host.showText(file, code);
            }
            host.markEdited();
          },
        },
        {
          label: 'Use the new code',
          run: () => outdated.forEach(({ file }) => clearEdit(host.id, file)),
        },
      ],
    );
  } else if (restored.length > 0) {
    // A share link opened over them takes this back (share-session.ts): the link's code shows then.
    host.notice(
      `Restored your edits to ${restored.join(', ')}. They run when you press Run; Reset brings back the original.`,
      [],
      'restored',
    );
  }
}

/** Asks what to reset: the file in view (`shown`), or every edited file. */
export function offerReset(host: EditHost, shown: string | undefined): void {
  const editedFiles = host.files.filter((file) => host.texts[file] !== host.originals[file]);
  if (editedFiles.length === 0) {
    host.notice('Nothing to reset: every file is as the chapter ships it.');
    return;
  }
  const actions: NoticeAction[] = [];
  if (shown && editedFiles.includes(shown)) {
    actions.push({ label: `Reset ${shown}`, run: () => restoreFiles(host, [shown]) });
  }
  if (editedFiles.length > 1 || !actions.length) {
    actions.push({
      label: `Reset ${editedFiles.length === 1 ? editedFiles[0] : `all ${editedFiles.length} edited files`}`,
      run: () => restoreFiles(host, editedFiles),
    });
  }
  actions.push({ label: 'Cancel', run: () => undefined });
  host.notice(`Reset to the chapter's code? Edited: ${editedFiles.join(', ')}.`, actions)?.focus();
}

/** Restores `files` to the chapter's code and offers to undo it. */
function restoreFiles(host: EditHost, files: string[]): void {
  host.stop();
  const before = Object.fromEntries(files.map((file) => [file, host.texts[file] ?? '']));
  const put = (file: string, text: string): void => {
    host.texts[file] = text;
    host.persist(file);
    host.setText(file, text);
  };
  for (const file of files) put(file, host.originals[file] ?? '');
  host.markEdited();
  host.status('Restored the original code');
  host
    .notice(`Restored the chapter's ${files.join(', ')}.`, [
      {
        label: 'Undo',
        run: () => {
          for (const [file, text] of Object.entries(before)) put(file, text);
          host.markEdited();
          host.status('Your edits are back');
        },
      },
    ])
    ?.focus();
}
