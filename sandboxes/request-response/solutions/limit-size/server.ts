// One way to pass "Refuse bodies over 1 KB with 413".
const MAX_BODY_BYTES = 1024;
let nextId = 1;

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== '/uploads') return Response.json({ error: 'not found' }, { status: 404 });
    if (request.method !== 'POST') {
      return Response.json({ error: 'use POST' }, { status: 405, headers: { allow: 'POST' } });
    }
    // RFC 9110 §15.5.14: 413 Content Too Large is about the request content itself.
    const length = Number(request.headers.get('content-length') ?? 0);
    if (length > MAX_BODY_BYTES) {
      return Response.json(
        { error: `a body may be at most ${MAX_BODY_BYTES} bytes; this one is ${length}` },
        { status: 413 },
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch (error) {
      return Response.json({ error: `body is not valid JSON: ${String(error)}` }, { status: 400 });
    }
    const { fileName, sizeBytes } = (body ?? {}) as Record<string, unknown>;
    if (typeof fileName !== 'string' || fileName === '' || !Number.isInteger(sizeBytes)) {
      return Response.json({ error: 'fileName and sizeBytes are required' }, { status: 400 });
    }
    const upload = { id: nextId++, fileName, sizeBytes };
    console.log(`stored upload ${upload.id}: ${fileName} (${String(sizeBytes)} bytes)`);
    return Response.json(upload, { status: 201, headers: { location: `/uploads/${upload.id}` } });
  },
};
