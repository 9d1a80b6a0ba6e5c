// One way to pass "Make a retried POST safe with an Idempotency-Key".
let nextId = 1;
const byKey = new Map<string, { id: number; fileName: string; sizeBytes: number }>();

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== 'POST' || new URL(request.url).pathname !== '/uploads') {
      return Response.json({ error: 'POST /uploads only' }, { status: 404 });
    }
    const key = request.headers.get('idempotency-key');
    const seen = key ? byKey.get(key) : undefined;
    if (seen) {
      console.log(`key ${key} seen before: answering with upload ${seen.id} again`);
      return Response.json(seen, { status: 200 });
    }
    const { fileName, sizeBytes } = (await request.json()) as {
      fileName: string;
      sizeBytes: number;
    };
    const upload = { id: nextId++, fileName, sizeBytes };
    if (key) byKey.set(key, upload);
    console.log(`stored upload ${upload.id}`);
    return Response.json(upload, { status: 201 });
  },
};
