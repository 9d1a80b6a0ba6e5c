// Serves the same products as JSON, XML or binary, and says in Server-Timing how long encoding took.
import { formats, timeIt } from './formats.ts';
import { makeProducts } from './records.ts';

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== '/products') return Response.json({ error: 'not found' }, { status: 404 });
    const name = url.searchParams.get('format') ?? 'json';
    const format = formats[name];
    if (!format) {
      const known = Object.keys(formats).join(', ');
      return Response.json({ error: `format must be one of ${known}` }, { status: 400 });
    }
    const count = Number(url.searchParams.get('count') ?? 100);
    if (!Number.isInteger(count) || count < 1 || count > 10_000) {
      return Response.json(
        { error: 'count must be a whole number from 1 to 10000' },
        { status: 400 },
      );
    }

    // In a real service the products come from a database, which often takes longer than this.
    const products = makeProducts(count);
    const body = format.encode(products);
    const serializeMs = await timeIt(() => format.encode(products));
    return new Response(body, {
      headers: {
        'content-type': format.contentType,
        'server-timing': `serialize;dur=${serializeMs.toFixed(3)}`,
      },
    });
  },
};
