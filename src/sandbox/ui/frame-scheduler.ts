/**
 * One animation frame for every view of a sandbox that draws while a run goes on (the traffic view,
 * the console). Each view asks for a frame; on it, every view first writes its DOM (`draw`) and only
 * then sets scroll positions (`settle`). Setting a scroll position needs an up-to-date layout, so the
 * page lays out once per frame however many views drew, instead of once per read between writes
 * (decisions/0055).
 */

/** A view that draws on the next frame. */
export interface FrameWork {
  /** DOM writes only: reading a layout value here would force a layout per view. */
  draw(): void;
  /** Scroll positions, set after every view has drawn (the first one lays the page out). */
  settle?(): void;
}

/**
 * Most events one frame folds into the model. A run can deliver thousands at once (a backlog after a
 * busy spell, a whole batch from the runner); the rest wait for the next frame, so no single page
 * task grows with the size of a run (decisions/0063).
 */
export const FOLD_PER_FRAME = 1000;

/** A frame comes this long after it was asked for even when the tab gets no animation frames. */
const HIDDEN_TAB_MS = 250;

/**
 * Least time from one frame to a frame asked for by new output (console lines, trace events). A
 * busy run would otherwise redraw on every animation frame; twenty times a second is enough to
 * follow it, and leaves the cores to the run (decisions/0078). Scrolling and clicks draw at once.
 */
export const OUTPUT_FRAME_MS = 50;

const queued = new Set<FrameWork>();
const paced = new Map<FrameWork, ReturnType<typeof setTimeout>>();
let frame: number | undefined;
let fallback: ReturnType<typeof setTimeout> | undefined;
let lastFrame = -Infinity;

function run(): void {
  lastFrame = performance.now();
  if (frame !== undefined) cancelAnimationFrame(frame);
  clearTimeout(fallback);
  frame = fallback = undefined;
  const works = [...queued];
  queued.clear();
  for (const work of works) work.draw();
  for (const work of works) work.settle?.();
}

/** Draws `work` on the next animation frame, with every other view that asked (once each). */
export function requestDraw(work: FrameWork): void {
  queued.add(work);
  frame ??= requestAnimationFrame(run);
  // Hidden tabs get no animation frames; keep the views (and what reads them) current anyway.
  fallback ??= setTimeout(run, HIDDEN_TAB_MS);
}

/** Draws `work` for new output: on the next frame, but not sooner than OUTPUT_FRAME_MS after the last. */
export function requestOutputDraw(work: FrameWork): void {
  if (queued.has(work) || paced.has(work)) return;
  const wait = lastFrame + OUTPUT_FRAME_MS - performance.now();
  if (wait <= 0) return requestDraw(work);
  paced.set(
    work,
    setTimeout(() => {
      paced.delete(work);
      requestDraw(work);
    }, wait),
  );
}

/** Forgets a draw asked for (the view was reset and will ask again). */
export function cancelDraw(work: FrameWork): void {
  queued.delete(work);
  clearTimeout(paced.get(work));
  paced.delete(work);
}

/** How long a stand-in idle period lasts where the browser has no `requestIdleCallback` (Safari). */
const IDLE_FALLBACK_MS = 50;

/**
 * `requestIdleCallback`, or where the browser lacks it (Safari) a timer whose deadline honestly
 * reports the room left in a 50 ms period, so work that waits for room still gets done there.
 */
export function whenIdle(work: IdleRequestCallback): void {
  if (typeof requestIdleCallback === 'function') {
    requestIdleCallback(work);
    return;
  }
  setTimeout(() => {
    const end = performance.now() + IDLE_FALLBACK_MS;
    work({ didTimeout: false, timeRemaining: () => Math.max(0, end - performance.now()) });
  }, IDLE_FALLBACK_MS);
}

/** Scrolls `element` into view, smoothly unless the reader asked for less motion. */
export function bringIntoView(element: Element, block: ScrollLogicalPosition): void {
  const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
  element.scrollIntoView({ block, behavior: still ? 'instant' : 'smooth' });
}
