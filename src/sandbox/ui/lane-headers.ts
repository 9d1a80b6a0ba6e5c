/**
 * Which request headers name the connection or stream an exchange travels on: all the traffic view
 * needs to know before it draws a waterfall, so the waterfall itself can load when first shown.
 */
import type { TraceEvent } from '../trace/events';
import { header } from '../trace/wire-bytes';

/** Request headers that name the connection or stream an exchange travels on. */
export const LANE_HEADERS: Array<[header: string, noun: string]> = [
  ['x-connection', 'connection'],
  ['x-stream-id', 'stream'],
];

/** Whether an event is a request that names its connection or stream (so a waterfall shows lanes). */
export function hasLaneHeaders(event: TraceEvent): boolean {
  return (
    event.kind === 'request' &&
    LANE_HEADERS.some(([name]) => header(event.headers, name) !== undefined)
  );
}
