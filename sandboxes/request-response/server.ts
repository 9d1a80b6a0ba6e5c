// An upload-metadata service: one request in, one response out.
const MAX_BYTES = 10 * 1024 * 1024;
let nextId = 1;

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== '/uploads') return Response.json({ error: 'not found' }, { status: 404 });
    if (request.method !== 'POST') {
      return Response.json({ error: 'use POST' }, { status: 405, headers: { allow: 'POST' } });
    }

    // Parsing (step 2) happened before this function ran: Node's HTTP parser (in the page, the
    // emulated network) found where this request starts and ends and built the Request.
    // Processing (step 3) starts with deserialization: JSON.parse turns the body into a value or throws.
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch (error) {
      console.warn('rejected a body that is not JSON');
      return Response.json({ error: `body is not valid JSON: ${String(error)}` }, { status: 400 });
    }

    // Still processing: the value must have the shape we agreed on.
    const problem = validate(body);
    if (problem) {
      console.warn(`rejected: ${problem}`);
      return Response.json({ error: problem }, { status: 400 });
    }

    // The work itself: record the upload; then step 4, the response, with what we stored.
    const upload = { id: nextId++, ...(body as Upload) };
    console.log(`stored upload ${upload.id}: ${upload.fileName} (${upload.sizeBytes} bytes)`);
    return Response.json(upload, { status: 201, headers: { location: `/uploads/${upload.id}` } });
  },
};

interface Upload {
  fileName: string;
  sizeBytes: number;
}

function validate(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'body must be a JSON object';
  const { fileName, sizeBytes } = value as Record<string, unknown>;
  if (typeof fileName !== 'string' || fileName === '') return 'fileName must be a non-empty string';
  if (!Number.isInteger(sizeBytes)) return 'sizeBytes must be an integer';
  if ((sizeBytes as number) <= 0 || (sizeBytes as number) > MAX_BYTES) {
    return `sizeBytes must be between 1 and ${MAX_BYTES}`;
  }
  return undefined;
}
