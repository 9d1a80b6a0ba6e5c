/** A choice the notice offers, as a button. */
export interface NoticeAction {
  label: string;
  run(): void;
}

/**
 * Shows one message in a sandbox's notice bar, with buttons for the reader's choices (each button
 * runs its action, then the notice closes). An empty `text` hides the bar. Returns the first button,
 * so a caller that asked a question can move focus to it.
 */
export function showNotice(
  box: HTMLElement,
  text: string,
  actions: NoticeAction[] = [],
): HTMLButtonElement | undefined {
  box.replaceChildren();
  box.hidden = !text;
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
