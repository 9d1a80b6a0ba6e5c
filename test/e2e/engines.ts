/**
 * Firefox and WebKit for the cross-engine tests, behind one small interface: open a URL, evaluate an
 * async function in the page. Firefox: firefox-esr through puppeteer-core over WebDriver BiDi.
 * WebKit: WebKitGTK's MiniBrowser through WebKitWebDriver over plain W3C WebDriver HTTP (it needs a
 * display: run under `xvfb-run -a`). Debian: `apt-get install -y firefox-esr webkit2gtk-driver xvfb`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import puppeteer from 'puppeteer-core';

export interface EnginePage {
  readonly name: string;
  goto(url: string): Promise<void>;
  /** Runs `async (arg) => result` (given as source) in the page; the result must be JSON. */
  evaluate<T>(fnSource: string, arg?: unknown): Promise<T>;
  /** The same in the page's first child frame (a framed page, for the tests of a framing site). */
  evaluateInChild<T>(fnSource: string, arg?: unknown): Promise<T>;
  close(): Promise<void>;
}

const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH || '/usr/bin/WebKitWebDriver';
const MINIBROWSER =
  process.env.MINIBROWSER_PATH || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const INSTALL = 'Install it with `apt-get install -y firefox-esr webkit2gtk-driver xvfb`.';

function need(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}. ${INSTALL}`);
}

export async function openFirefox(): Promise<EnginePage> {
  need(FIREFOX, 'Firefox');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
  });
  const page = await browser.newPage();
  const call = (fnSource: string, arg: unknown) => `(${fnSource})(${JSON.stringify(arg ?? null)})`;
  return {
    name: 'Firefox',
    goto: async (url) => void (await page.goto(url)),
    evaluate: <T>(fnSource: string, arg?: unknown) =>
      page.evaluate(call(fnSource, arg)) as Promise<T>,
    evaluateInChild: <T>(fnSource: string, arg?: unknown) => {
      const child = page.mainFrame().childFrames()[0];
      if (!child) throw new Error('The page has no child frame');
      return child.evaluate(call(fnSource, arg)) as Promise<T>;
    },
    close: () => browser.close(),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

async function webDriver<T>(base: string, method: string, path: string, body?: object): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = (await response.json()) as { value: T & { error?: string; message?: string } };
  if (!response.ok) throw new Error(`WebDriver ${path}: ${data.value.error} ${data.value.message}`);
  return data.value;
}

export async function openWebKit(): Promise<EnginePage> {
  need(WEBKIT_DRIVER, 'WebKitWebDriver');
  need(MINIBROWSER, 'MiniBrowser');
  if (!process.env.DISPLAY)
    throw new Error('WebKit needs a display: run the tests under `xvfb-run -a`.');
  const port = await freePort();
  const driver: ChildProcess = spawn(WEBKIT_DRIVER, [`--port=${port}`], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  let session: { sessionId: string } | undefined;
  for (let attempt = 0; attempt < 50 && !session; attempt++) {
    try {
      session = await webDriver(base, 'POST', '/session', {
        capabilities: {
          alwaysMatch: {
            'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
          },
        },
      });
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  if (!session) {
    driver.kill();
    throw new Error('WebKitWebDriver did not start a session');
  }
  const at = `/session/${session.sessionId}`;
  await webDriver(base, 'POST', `${at}/timeouts`, { script: 110_000, pageLoad: 60_000 });
  const evaluate = <T>(fnSource: string, arg?: unknown): Promise<T> =>
    webDriver(base, 'POST', `${at}/execute/async`, {
      script: `const done = arguments[arguments.length - 1];
(${fnSource})(arguments[0]).then(done, (error) => done({ evaluateError: String(error) }));`,
      args: [arg ?? null],
    });
  return {
    name: 'WebKit',
    goto: async (url) => void (await webDriver(base, 'POST', `${at}/url`, { url })),
    evaluate,
    evaluateInChild: async <T>(fnSource: string, arg?: unknown) => {
      await webDriver(base, 'POST', `${at}/frame`, { id: 0 });
      try {
        return await evaluate<T>(fnSource, arg);
      } finally {
        await webDriver(base, 'POST', `${at}/frame/parent`, {});
      }
    },
    close: async () => {
      await webDriver(base, 'DELETE', at).catch(() => undefined);
      driver.kill();
    },
  };
}
