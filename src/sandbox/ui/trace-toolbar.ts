/**
 * The traffic view's toolbar: which view is shown (diagram, waterfall, messages, counters), the
 * diagram's zoom, the legend, and tools (Export HAR, Clear, and any a page adds before them).
 */
import { h } from './trace-details';
import { traceLegend } from './trace-legend';

export type TraceViewKind = 'diagram' | 'waterfall' | 'messages' | 'counters';

const VIEWS: Array<[TraceViewKind, string]> = [
  ['diagram', 'Diagram'],
  ['waterfall', 'Waterfall'],
  ['messages', 'Messages'],
  ['counters', 'Counters'],
];

/** What the toolbar's buttons do. */
export interface ToolbarActions {
  /** The reader picked a view. */
  show(kind: TraceViewKind): void;
  /** One zoom step in (1) or out (-1), or back to fit (0). */
  zoom(step: -1 | 0 | 1): void;
  exportHar(): void;
  clear(): void;
}

export class TraceToolbar {
  readonly element: HTMLDivElement;
  private readonly tools: HTMLSpanElement;
  private readonly viewButtons = new Map<TraceViewKind, HTMLButtonElement>();
  private readonly zoomGroup: HTMLSpanElement;
  /** Controls shown with the diagram only: its zoom, and any added (the Hosts disclosure). */
  private readonly diagramControls: HTMLElement[] = [];

  constructor(actions: ToolbarActions) {
    const viewGroup = h('span', { class: 'tv-views', role: 'group', 'aria-label': 'View' });
    for (const [kind, label] of VIEWS) {
      const button = h('button', { type: 'button', 'aria-pressed': 'false' }, label);
      button.addEventListener('click', () => actions.show(kind));
      this.viewButtons.set(kind, button);
      viewGroup.append(button);
    }
    this.zoomGroup = h('span', { class: 'tv-zoom', role: 'group', 'aria-label': 'Zoom' });
    const zoomOut = h('button', { type: 'button', 'aria-label': 'Zoom out' }, '−');
    const fit = h('button', { type: 'button' }, 'Fit');
    const zoomIn = h('button', { type: 'button', 'aria-label': 'Zoom in' }, '+');
    zoomOut.addEventListener('click', () => actions.zoom(-1));
    fit.addEventListener('click', () => actions.zoom(0));
    zoomIn.addEventListener('click', () => actions.zoom(1));
    this.zoomGroup.append(zoomOut, fit, zoomIn);
    this.diagramControls.push(this.zoomGroup);
    const exportButton = h('button', { type: 'button' }, 'Export HAR');
    exportButton.addEventListener('click', () => actions.exportHar());
    const clearButton = h('button', { type: 'button' }, 'Clear');
    clearButton.addEventListener('click', () => actions.clear());
    this.tools = h('span', { class: 'tv-tools' }, exportButton, clearButton);
    this.element = h(
      'div',
      { class: 'tv-toolbar' },
      viewGroup,
      this.zoomGroup,
      traceLegend(),
      this.tools,
    );
  }

  /** Marks `kind` as the view shown; the diagram's controls show with it only. */
  showing(kind: TraceViewKind): void {
    for (const [each, button] of this.viewButtons) {
      button.setAttribute('aria-pressed', String(each === kind));
    }
    for (const control of this.diagramControls) control.hidden = kind !== 'diagram';
  }

  /** Puts a control for the diagram after its zoom (shown with the diagram only). */
  addDiagramControl(element: HTMLElement): void {
    this.diagramControls.at(-1)?.after(element);
    this.diagramControls.push(element);
  }

  /** Puts a control before Export and Clear. */
  addTool(element: HTMLElement): void {
    this.tools.prepend(element);
  }
}

/** Offers `data` to the reader as a file named `fileName` (a HAR export). */
export function downloadJson(parent: HTMLElement, data: unknown, fileName: string): void {
  const url = URL.createObjectURL(
    new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
  );
  const link = h('a', { href: url, download: fileName });
  link.hidden = true;
  parent.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
