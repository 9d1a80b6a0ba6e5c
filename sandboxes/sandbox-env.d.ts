// Types every sandbox file can use without importing anything: what the runtime passes in. They are
// declared once, in src/sandbox/contract/sandbox.ts, which the page, Node and StackBlitz runs share.
import type * as Contract from '#contract';

declare global {
  /** The URLs of every host in the current run, and the sandbox's params (sandbox.json). */
  type SandboxEnv = Contract.SandboxEnv;
  /** The server side of one WebSocket connection, passed to a host's `websocket` hooks. */
  type SandboxPeer = Contract.SandboxPeer;
}
