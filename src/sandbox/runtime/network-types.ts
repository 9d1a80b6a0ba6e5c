/** Types shared by the in-page network's modules: what it is given, and the events it traces. */
import type { SandboxEnv, SandboxHostModule } from '../contract/sandbox';
import type { TraceEvent } from '../trace/events';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type TraceDraft = DistributiveOmit<TraceEvent, 't'>;

export interface VirtualNetworkOptions {
  /** Host names in this run; each answers at `http://<name>.test/`. */
  hosts: string[];
  /** Client names: they play browsers, with a cookie jar each; hosts handle cookies themselves. */
  clients: string[];
  /** The host's module as it is now (a restart swaps it). */
  getHost(name: string): SandboxHostModule | undefined;
  env: SandboxEnv;
  latencyMs: number;
  /** Open HTTP exchanges allowed per client→host pair (0: unlimited), like a browser's HTTP/1.1 pool. */
  connectionLimit: number;
  /** Receives every trace event, built, stamped and checked by the network's recorder. */
  record(event: TraceEvent): void;
  /**
   * Milliseconds since the run started, for the trace's times (the recorder rounds them). Defaults
   * to the time since the network was made.
   */
  now?(): number;
  /** Reports an exception thrown by a host's code while it handled network traffic. */
  reportError(host: string, error: unknown): void;
  /** Writes a message from the network itself to the sandbox console. */
  log(host: string, level: 'warn' | 'error', text: string): void;
}
