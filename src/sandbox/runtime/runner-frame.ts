/**
 * The runner frame's start and handshake (step 1 of `runner-client.ts`), small enough for the code
 * every chapter loads up front: the sandbox element calls `openRunnerFrame` at the first sign of
 * intent (pointer, focus, Run), so the frame's process, document and spare worker start while the
 * controller chunk is still loading (decisions/0031).
 */
import type { ReadyMessage } from './protocol';

/** How long after the frame's load event the page still waits for its handshake. */
const READY_GRACE_MS = 1000;

/** The runner frame and the private port it handed over. */
export interface RunnerFrame {
  frame: HTMLIFrameElement;
  port: MessagePort;
}

let opening: Promise<RunnerFrame> | undefined;

/** A fresh secret for the runner URL's fragment: 128 random bits as hex. */
function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function createFrame(src: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  // No allow-same-origin: the frame gets an opaque origin and cannot touch this page or its storage.
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.title = 'Sandbox runner';
  frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
  frame.src = src;
  return frame;
}

/**
 * Creates the one runner frame of this page (again after `forgetRunnerFrame`), its URL carrying a
 * fresh secret in the fragment, and resolves with the port from its `bcp-ready` message: it must
 * come from that frame's window and carry the secret. Nothing is ever posted to the frame's window.
 */
export function openRunnerFrame(runnerUrl: URL, timeoutMs = 15_000): Promise<RunnerFrame> {
  opening ??= new Promise<RunnerFrame>((resolve, reject) => {
    const secret = newSecret();
    const url = new URL(runnerUrl);
    url.hash = secret;
    const frame = createFrame(url.href);
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      opening = undefined;
      frame.remove();
      reject(new Error(message));
    };
    const onMessage = (event: MessageEvent): void => {
      const data = event.data as Partial<ReadyMessage> | null;
      const port = event.ports[0];
      // Only this page's own frame, and only the document that was given the secret, may answer.
      if (event.source !== frame.contentWindow || data?.type !== 'bcp-ready') return;
      if (data.secret !== secret || !port || settled) return;
      settled = true;
      window.removeEventListener('message', onMessage);
      clearTimeout(timer);
      resolve({ frame, port });
    };
    const timer = setTimeout(
      () => fail('The sandbox runner did not load. Check your connection and press Run again.'),
      timeoutMs,
    );
    // The runner answers while it loads; a document that loaded without answering is not the
    // runner (or refused to start), so say so soon instead of waiting for the timeout.
    frame.addEventListener('load', () =>
      setTimeout(
        () => fail('The sandbox runner did not start. Press Run to try again.'),
        READY_GRACE_MS,
      ),
    );
    window.addEventListener('message', onMessage);
    document.body.append(frame);
  });
  return opening;
}

/** The frame was lost: the next `openRunnerFrame` builds a fresh one. */
export function forgetRunnerFrame(): void {
  opening = undefined;
}
