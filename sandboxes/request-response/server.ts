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

    // Parsing: the body arrives as bytes; JSON.parse turns them into a value or throws.
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch (error) {
      console.warn('rejected a body that is not JSON');
      return Response.json({ error: `body is not valid JSON: ${String(error)}` }, { status: 400 });
    }

    // Validation: the parsed value must have the shape we agreed on.
    const problem = validate(body);
    if (problem) {
      console.warn(`rejected: ${problem}`);
      return Response.json({ error: problem }, { status: 400 });
    }

    // Processing: record the upload and answer with what we stored.
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
