// Types every sandbox file can use without importing anything (they describe what the runtime passes in).

/** The URLs of every host in the current run, by host name. */
interface SandboxEnv {
  hosts: Record<string, URL>;
  /** The sandbox's params (sandbox.json), as the reader set them in the page; defaults elsewhere. */
  params: Record<string, number>;
}

/** The server side of one WebSocket connection, passed to a host's `websocket` hooks. */
interface SandboxPeer {
  readonly id: string;
  readonly url: URL;
  send(data: string | ArrayBuffer | Uint8Array): void;
  close(code?: number, reason?: string): void;
}
