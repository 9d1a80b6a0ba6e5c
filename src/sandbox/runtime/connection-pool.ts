/**
 * A browser's HTTP/1.1 limit of open connections per client and host: past the limit, a request
 * waits until one finishes, and the freed connection goes straight to the next waiting request.
 * Written with captured built-ins (decisions/0068): reader code cannot reorder or release the queue.
 */
import {
  OriginalPromise,
  append,
  mapGet,
  mapSet,
  safeList,
  takeFront,
  type SafeList,
} from './intrinsics';

export class ConnectionPool {
  /** Open exchanges per "from→to" pair, and the requests waiting for one to finish. */
  private readonly slots = new Map<string, { open: number; waiting: SafeList<() => void> }>();

  /** @param limit Open exchanges allowed per pair; 0 means no limit. */
  constructor(private readonly limit: number) {}

  /** Waits for a free connection when the pair is at its limit; returns the release function. */
  async acquire(pair: string): Promise<() => void> {
    if (this.limit <= 0) return () => undefined;
    let slot = mapGet(this.slots, pair);
    if (!slot) mapSet(this.slots, pair, (slot = { open: 0, waiting: safeList() }));
    const current = slot;
    if (current.open >= this.limit)
      await new OriginalPromise<void>((resolve) => append(current.waiting, resolve));
    else current.open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the connection straight to the next waiting request, or free it.
      const next = takeFront(current.waiting, 1)[0];
      if (next) next();
      else current.open -= 1;
    };
  }
}
