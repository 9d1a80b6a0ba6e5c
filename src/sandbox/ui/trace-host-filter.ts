/**
 * Hiding hosts in the sequence diagram: a message is drawn when both of its ends are shown; a run of
 * messages that touch a hidden host folds into one note row ("3 messages with hidden hosts"), so the
 * order of what is left still reads as a story. Pure: the diagram pane draws the result as it would a
 * whole model, rows in their new positions, each row still naming its message by its index in the run.
 */
import type { TraceExchange, TraceMessage } from '../trace/model-types';

/** What the diagram pane reads of a trace model. */
export interface DiagramModel {
  readonly hosts: readonly string[];
  readonly messages: readonly TraceMessage[];
  readonly exchanges: ReadonlyMap<string, TraceExchange>;
  readonly elapsed: number;
  readonly events: { readonly length: number };
}

export interface FilteredDiagram extends DiagramModel {
  /** Rows that stand for several hidden messages: the first of them, and how many there are. */
  readonly folds: ReadonlyMap<TraceMessage, number>;
  /** The row that shows message `index` of the run (its fold row when it is hidden). */
  positionOf(index: number): number;
}

/**
 * The diagram of `model` without the hosts in `hidden`. Exchanges between shown hosts keep their bars,
 * their first and last messages renumbered to rows; the others are left out.
 *
 * @example
 * const view = filterDiagram(model, new Set(['audit']));
 * view.hosts; // every host but audit
 * view.folds.get(view.messages[2]); // 3: row 2 is a note for three messages to or from audit
 */
export function filterDiagram(model: DiagramModel, hidden: ReadonlySet<string>): FilteredDiagram {
  const hosts = model.hosts.filter((host) => !hidden.has(host));
  const messages: TraceMessage[] = [];
  const folds = new Map<TraceMessage, number>();
  const positions = new Int32Array(model.messages.length);
  let fold: TraceMessage | undefined;
  model.messages.forEach((message, index) => {
    if (!hidden.has(message.from) && !hidden.has(message.to)) {
      fold = undefined;
      positions[index] = messages.length;
      messages.push(message);
      return;
    }
    if (fold) folds.set(fold, (folds.get(fold) ?? 0) + 1);
    else {
      fold = message;
      folds.set(fold, 1);
      messages.push(message);
    }
    positions[index] = messages.length - 1;
  });
  const positionOf = (index: number): number =>
    positions[Math.max(0, Math.min(positions.length - 1, index))] ?? 0;
  const exchanges = new Map<string, TraceExchange>();
  for (const [id, exchange] of model.exchanges) {
    if (hidden.has(exchange.client) || hidden.has(exchange.server)) continue;
    const renumbered = {
      ...exchange,
      firstMessage: positionOf(exchange.firstMessage),
      lastMessage: positionOf(exchange.lastMessage),
    };
    if (exchange.responseMessage !== undefined)
      renumbered.responseMessage = positionOf(exchange.responseMessage);
    exchanges.set(id, renumbered);
  }
  return {
    hosts,
    messages,
    exchanges,
    elapsed: model.elapsed,
    events: model.events,
    folds,
    positionOf,
  };
}

/** The note a fold row shows. */
export const foldLabel = (count: number): string =>
  `⋯ ${count} message${count === 1 ? '' : 's'} with hidden hosts`;
