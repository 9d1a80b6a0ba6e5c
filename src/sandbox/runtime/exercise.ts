/**
 * Exercises: a task the reader solves by editing a sandbox, and a check the page runs on what the
 * run did (console output and network trace). Environment-neutral: the page runs the checks after
 * every Run, and the Node tests prove each check fails on the chapter's code and passes on a
 * reference solution (`sandboxes/<id>/solutions/<exercise id>/`).
 */
import type { TraceEvent } from '../trace/events';

/** What a run did, as a check sees it. */
export interface ExerciseRun {
  /** Every client's main() settled without an uncaught error. */
  ok: boolean;
  logs: Array<{ host: string; level: string; text: string }>;
  trace: TraceEvent[];
}

export interface ExerciseResult {
  pass: boolean;
  /** Says what the check saw: what is missing, or what was achieved. */
  message: string;
}

export interface Exercise {
  /** Stable id, also the folder name of its solution: lowercase words joined by hyphens. */
  id: string;
  title: string;
  /** What to change, in a sentence or two. */
  task: string;
  /** A nudge for a reader who is stuck. */
  hint?: string;
  check(run: ExerciseRun): ExerciseResult;
}

/** One HTTP request with its response, bodies as text (previews, first 2 KB), and its timings. */
export interface HttpExchange {
  /** The trace's exchange id, e.g. "h3". */
  id: string;
  from: string;
  to: string;
  method: string;
  url: URL;
  path: string;
  /** Milliseconds since the run started when the request went out. */
  sent: number;
  /** When the response arrived, if it did. */
  answered?: number;
  /** When either side gave up on it, if one did. */
  aborted?: number;
  requestHeaders: Map<string, string>;
  requestBody: string;
  status?: number;
  responseHeaders: Map<string, string>;
  responseBody: string;
}

/**
 * Pairs a trace's requests with their responses, for checks that reason about exchanges. Calls on
 * the same trace share the exchange objects: read them, do not change them.
 *
 * @example
 * const posts = httpExchanges(run.trace).filter((exchange) => exchange.method === 'POST');
 */
export function httpExchanges(trace: readonly TraceEvent[]): HttpExchange[] {
  // Every check of a run pairs the same trace (8,000 events for 2,000 POSTs): pair it once.
  const known = pairedTraces.get(trace);
  if (known?.length === trace.length) return [...known.exchanges];
  const exchanges = pairExchanges(trace);
  pairedTraces.set(trace, { length: trace.length, exchanges });
  return [...exchanges];
}

/** Exchanges already paired, per trace array and its length when paired (read-only: shared). */
const pairedTraces = new WeakMap<
  readonly TraceEvent[],
  { length: number; exchanges: HttpExchange[] }
>();

type RequestEvent = Extract<TraceEvent, { kind: 'request' }>;
type HeaderList = RequestEvent['headers'];

const headerMap = (headers: HeaderList): Map<string, string> =>
  new Map(headers.map(([name, value]) => [name.toLowerCase(), value]));

/** The path of a URL as its serializer writes it (a trace's URLs are), without parsing all of it. */
export function pathOf(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url)?.[1] || new URL(url).pathname;
}

/** An exchange whose URL and header maps are built when a check first reads them. */
interface Pairing {
  exchange: HttpExchange;
  answer(headers: HeaderList): void;
}

function pairingFor(event: RequestEvent): Pairing {
  // A long run has thousands of exchanges and a check reads few of their URLs and headers: parsing
  // them all up front made the first check of a 10,000-event run one 45 ms task.
  let url: URL | undefined;
  let requestHeaders: Map<string, string> | undefined;
  let responseList: HeaderList = [];
  let responseHeaders: Map<string, string> | undefined;
  const exchange: HttpExchange = {
    id: event.exchange,
    from: event.from,
    to: event.to,
    method: event.method,
    get url() {
      return (url ??= new URL(event.url));
    },
    path: pathOf(event.url),
    sent: event.t,
    get requestHeaders() {
      return (requestHeaders ??= headerMap(event.headers));
    },
    requestBody: event.bodyPreview,
    get responseHeaders() {
      return (responseHeaders ??= headerMap(responseList));
    },
    responseBody: '',
  };
  return {
    exchange,
    answer(headers) {
      responseList = headers;
      responseHeaders = undefined;
    },
  };
}

function pairExchanges(trace: readonly TraceEvent[]): HttpExchange[] {
  const byId = new Map<string, Pairing>();
  for (const event of trace) {
    if (event.kind === 'request') byId.set(event.exchange, pairingFor(event));
    const pairing = byId.get(event.exchange);
    if (!pairing) continue;
    const { exchange } = pairing;
    if (event.kind === 'response') {
      exchange.answered = event.t;
      exchange.status = event.status;
      pairing.answer(event.headers);
    } else if (event.kind === 'body-chunk') {
      exchange.responseBody += event.preview;
    } else if (event.kind === 'abort') {
      exchange.aborted ??= event.t;
    }
  }
  return [...byId.values()].map((pairing) => pairing.exchange);
}

/** Parses JSON without throwing: checks look at bodies the reader's code may have broken. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
