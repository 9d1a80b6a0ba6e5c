// Stands in for the network between a phone and this server, which a sandbox cannot slow down or
// break by itself: a body arrives at the uplink's speed, and one connection per upload is cut at
// the point the "link drops each upload once at" knob names, as when a phone leaves Wi-Fi. Real
// servers have none of this; the page's "Drop the connection now" button cuts a connection for real.
export function createLink() {
  const cut = new Set<string>();

  /**
   * Waits while bytes [start, start + size) of an upload of `total` bytes cross the link. Resolves
   * 'dropped' when the link cuts the connection (once per upload) or the caller goes away.
   */
  async function carry(
    request: Request,
    env: SandboxEnv,
    upload: string,
    range: { start: number; size: number; total: number },
  ): Promise<'received' | 'dropped'> {
    const bytesPerMs = (env.params.uplinkKBps ?? 256) * 1.024;
    const dropAt = Math.floor((range.total * (env.params.dropAtPercent ?? 0)) / 100);
    const drops =
      (env.params.dropAtPercent ?? 0) > 0 &&
      !cut.has(upload) &&
      dropAt >= range.start &&
      dropAt < range.start + range.size;
    const arrived = drops ? dropAt - range.start : range.size;
    const started = Date.now();
    const finished = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), arrived / bytesPerMs);
      request.signal.addEventListener('abort', () => (clearTimeout(timer), resolve(false)));
    });
    if (!finished) {
      const got = range.start + Math.round((Date.now() - started) * bytesPerMs);
      console.warn(`${upload}: the connection was cut after about ${got} of ${range.total} bytes`);
      return 'dropped';
    }
    if (drops) {
      cut.add(upload);
      console.warn(
        `${upload}: the connection dropped after ${range.start + arrived} of ${range.total} bytes`,
      );
      return 'dropped';
    }
    return 'received';
  }

  return { carry };
}
