/**
 * "Export HAR": the HAR writer loads on the first export only, since it was 1.3 KB gzip of every
 * first Run (decisions/0075).
 */
import type { TraceEvent } from '../trace/events';
import type { HarExportMeta } from '../trace/har-export';
import { downloadJson } from './trace-toolbar';

/** Offers the events as `trace-<sandbox>.har`. */
export async function downloadHar(
  parent: HTMLElement,
  events: readonly TraceEvent[],
  meta: HarExportMeta,
): Promise<void> {
  const { toHar } = await import('../trace/har-export');
  downloadJson(parent, toHar(events, meta), `trace-${meta.sandbox}.har`);
}
