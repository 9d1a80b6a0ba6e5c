/**
 * On phones a trace box grows with its content and the page is the one vertical scroll area
 * (decisions/0074), so the rows "in view" are those inside the window, not inside the box. Read
 * these only in a resize observer or a scroll event, never while drawing (frame-scheduler.ts).
 */

/** Whether `box` grows with its content instead of scrolling vertically. */
export function growsWithContent(box: HTMLElement): boolean {
  return getComputedStyle(box).overflowY === 'hidden';
}

/** The window as seen from inside `box`: how far down the box its top is, and its height. */
export function windowInBox(box: HTMLElement): { top: number; height: number } {
  return { top: Math.max(0, -box.getBoundingClientRect().top), height: window.innerHeight };
}
