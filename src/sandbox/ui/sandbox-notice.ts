/** A choice the notice offers, as a button. */
export interface NoticeAction {
  label: string;
  run(): void;
}

/**
 * What a notice is about, so whoever showed it can take it back once it no longer holds (restored
 * edits, once a link's code replaces them; a share failure, once a link is copied).
 */
export type NoticeKind = 'restored' | 'share';

/**
 * Shows one message in a sandbox's notice bar, with buttons for the reader's choices (each button
 * runs its action, then the notice closes). An empty `text` hides the bar. Returns the first button,
 * so a caller that asked a question can move focus to it.
 */
export function showNotice(
  box: HTMLElement,
  text: string,
  actions: NoticeAction[] = [],
  kind?: NoticeKind,
): HTMLButtonElement | undefined {
  box.replaceChildren();
  box.hidden = !text;
  if (kind && text) box.dataset.kind = kind;
  else delete box.dataset.kind;
  if (!text) return undefined;
  const message = document.createElement('span');
  message.textContent = text;
  box.append(message);
  const buttons = actions.map((action) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sb-button sb-small';
    button.textContent = action.label;
    button.addEventListener('click', () => {
      showNotice(box, '');
      action.run();
    });
    return button;
  });
  box.append(...buttons);
  return buttons[0];
}

/** Hides the notice bar if it still shows a notice of `kind` (and leaves any other notice alone). */
export function withdrawNotice(box: HTMLElement, kind: NoticeKind): void {
  if (box.dataset.kind === kind) showNotice(box, '');
}
