/**
 * Figures in the prose that are wider than the column (chapter diagrams on a phone, the comparison
 * table) scroll sideways inside their box. This marks each one that does with `data-scrolls`, which
 * shows a hint and edge shadows (custom.css), makes it a tab stop named for what it holds so keyboard
 * users can scroll it, and takes it out of the tab order again when it fits.
 */
const SELECTOR = 'figure.diagram-figure, .ct-scroll';

/** What the box holds: its own label, its SVG's title, or its table's caption. */
function nameOf(box: HTMLElement): string {
  const own = box.dataset.name ?? box.getAttribute('aria-label') ?? '';
  if (own) return own;
  const title = box.querySelector('svg > title, caption')?.textContent?.trim() ?? '';
  return title || 'Figure';
}

/**
 * Whether the box's content is wider than the box. A figure far off screen is not laid out
 * (content-visibility, custom.css), so its drawing's minimum width answers until it is.
 */
function overflows(box: HTMLElement): boolean {
  if (box.scrollWidth > box.clientWidth + 1) return true;
  const drawing = box.querySelector('svg');
  const minimum = drawing ? parseFloat(getComputedStyle(drawing).minWidth) : NaN;
  return minimum > box.clientWidth + 1;
}

function update(box: HTMLElement): void {
  const scrolls = overflows(box);
  box.toggleAttribute('data-scrolls', scrolls);
  // A table region keeps its caption as its name; a figure is named for its drawing.
  if (box.getAttribute('role') === 'region') {
    box.tabIndex = scrolls ? 0 : -1;
    return;
  }
  box.dataset.name = nameOf(box);
  if (scrolls) {
    box.tabIndex = 0;
    box.setAttribute('aria-label', `${box.dataset.name} (scrolls sideways)`);
  } else {
    box.removeAttribute('tabindex');
    box.setAttribute('aria-label', box.dataset.name);
  }
}

/** Watches every wide-figure box under `root` as the window (and so the column) changes size. */
export function watchWideFigures(root: ParentNode = document): void {
  const boxes = [...root.querySelectorAll<HTMLElement>(SELECTOR)];
  if (boxes.length === 0) return;
  const observer = new ResizeObserver((entries) => {
    for (const entry of entries) update(entry.target as HTMLElement);
  });
  // The observer reports every box once after the first layout: measuring here would force one.
  for (const box of boxes) observer.observe(box);
}
