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

/** The empty sandboxed frame made at idle, until the runner takes it over (decisions/0081). */
let spare: { frame: HTMLIFrameElement; loaded: Promise<void> } | undefined;

/** A fresh secret for the runner URL's fragment: 128 random bits as hex. */
function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function createFrame(): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.title = 'Sandbox runner';
  frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
  return frame;
}

/**
 * Makes the runner's sandboxed frame ahead of any intent, empty: an `about:srcdoc` document with
 * every sandbox flag set (no script), so it costs no request and no byte. In Chromium a sandboxed
 * frame gets its own renderer process, about 90 ms to start on a 2-core machine; this starts it
 * while the page is idle, and the runner later navigates the same frame in that process.
 */
export function prewarmRunnerFrame(): void {
  if (opening || spare) return;
  const frame = createFrame();
  frame.setAttribute('sandbox', '');
  const loaded = new Promise<void>((done) =>
    frame.addEventListener('load', () => done(), { once: true }),
  );
  frame.srcdoc = '';
  document.body.append(frame);
  spare = { frame, loaded };
}

/** The frame the runner loads into: the idle-time spare once its empty document is in, else a new one. */
function frameForRunner(): { frame: HTMLIFrameElement; navigate: (src: string) => Promise<void> } {
  const taken = spare?.frame.isConnected ? spare : undefined;
  spare = undefined;
  if (!taken) {
    const frame = createFrame();
    // No allow-same-origin: the frame gets an opaque origin and cannot touch this page or its storage.
    frame.setAttribute('sandbox', 'allow-scripts');
    return {
      frame,
      navigate: (src) => {
        frame.src = src;
        document.body.append(frame);
        return Promise.resolve();
      },
    };
  }
  const { frame, loaded } = taken;
  return {
    frame,
    // Sandbox flags apply from the next navigation. The parent may navigate its child's location
    // across origins; setting `src` would not, as the `srcdoc` attribute takes precedence.
    navigate: (src) =>
      loaded.then(() => {
        frame.setAttribute('sandbox', 'allow-scripts');
        frame.contentWindow?.location.replace(src);
      }),
  };
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
    const { frame, navigate } = frameForRunner();
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
    window.addEventListener('message', onMessage);
    void navigate(url.href).then(() =>
      // The runner answers while it loads; a document that loaded without answering is not the
      // runner (or refused to start), so say so soon instead of waiting for the timeout.
      frame.addEventListener('load', () =>
        setTimeout(
          () => fail('The sandbox runner did not start. Press Run to try again.'),
          READY_GRACE_MS,
        ),
      ),
    );
  });
  return opening;
}

/** The frame was lost: the next `openRunnerFrame` builds a fresh one. */
export function forgetRunnerFrame(): void {
  opening = undefined;
}
