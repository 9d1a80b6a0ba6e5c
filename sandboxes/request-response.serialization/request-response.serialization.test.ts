import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import { formats } from './formats.ts';
import { makeProducts } from './records.ts';
import server from './server.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));

/** The client's table as rows of { records, format, bytes }, with the times it measured. */
function tableOf(run: HarnessResult) {
  const lines = run.logs
    .filter((line) => line.host === 'client')
    .flatMap((line) => line.text.split('\n'));
  return lines
    .map((line) => /^\s*(\d+)\s+(\w+)\s+(\d+)\s+([\d.]+) ms\s+([\d.]+) ms$/.exec(line))
    .filter((match) => match !== null)
    .map(([, records, format, bytes, serialize, parse]) => ({
      records: Number(records),
      format,
      bytes: Number(bytes),
      serialize: Number(serialize),
      parse: Number(parse),
    }));
}

describe('the serialization sandbox over real sockets', () => {
  let run: HarnessResult;
  beforeAll(async () => {
    run = await runSandboxInNode(dir);
  }, 20_000);

  it('prints bytes and times for JSON, XML and binary at three sizes, each format decoding alike', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    const rows = tableOf(run);
    expect(rows.map((row) => `${row.records} ${row.format}`)).toEqual(
      [10, 100, 1000].flatMap((n) => [`${n} json`, `${n} xml`, `${n} binary`]),
    );
    for (const row of rows) {
      expect(row.serialize).toBeGreaterThan(0);
      expect(row.parse).toBeGreaterThan(0);
    }
    expect(run.logs.map((line) => line.text)).toContain(
      'every format decoded to the same products as JSON',
    );
  });

  it('sends exactly the bytes the table reports, binary smallest and XML largest', () => {
    const rows = tableOf(run);
    const bodies = run.trace.flatMap((event) => (event.kind === 'body-end' ? [event.size] : []));
    expect(bodies).toEqual(rows.map((row) => row.bytes));
    for (const count of [10, 100, 1000]) {
      const [json, xml, binary] = rows
        .filter((row) => row.records === count)
        .map((row) => row.bytes);
      expect(binary).toBeLessThan(json ?? 0);
      expect(json).toBeLessThan(xml ?? 0);
    }
  });

  it('reports the server’s serialize time in a Server-Timing header', () => {
    const responses = run.trace.filter((event) => event.kind === 'response');
    expect(responses).toHaveLength(9);
    for (const response of responses) {
      expect(response.kind === 'response' && response.status).toBe(200);
      const timing =
        response.kind === 'response'
          ? response.headers.find(([name]) => name === 'server-timing')
          : undefined;
      expect(timing?.[1]).toMatch(/^serialize;dur=\d+\.\d{3}$/);
    }
  });

  it('takes the largest size from its knob', async () => {
    const small = await runSandboxInNode(dir, { params: { records: 10 } });
    expect(tableOf(small).map((row) => row.records)).toEqual([10, 10, 10]);
  }, 20_000);
});

describe('the formats', () => {
  const tricky = [
    {
      id: 70_000,
      name: 'Café <&> "quoted"',
      email: 'ü@example.org',
      priceCents: 0,
      inStock: false,
      tags: [],
    },
    ...makeProducts(3),
  ];

  it.each(Object.keys(formats))(
    '%s round-trips products, escapes and non-ASCII text included',
    (name) => {
      const format = formats[name];
      expect(format?.decode(format.encode(tricky))).toEqual(tricky);
    },
  );

  it('binary refuses a string it cannot prefix with one length byte', () => {
    const long = [{ ...tricky[0], name: 'x'.repeat(256) }] as typeof tricky;
    expect(() => formats.binary?.encode(long)).toThrow(/over 255 bytes/);
  });

  it('xml says which tag was closed wrongly', () => {
    const bytes = new TextEncoder().encode('<products><product><id>1</name></product></products>');
    expect(() => formats.xml?.decode(bytes)).toThrow('</name> closes <id>');
  });

  it('the server refuses an unknown format or a count out of range, with a reason', async () => {
    const get = async (query: string) => {
      const response = await server.fetch(new Request(`http://server.test/products?${query}`));
      return { status: response.status, body: (await response.json()) as unknown };
    };
    expect(await get('format=yaml')).toEqual({
      status: 400,
      body: { error: 'format must be one of json, xml, binary' },
    });
    expect((await get('format=json&count=10001')).status).toBe(400);
    expect((await get('format=json&count=1.5')).status).toBe(400);
    expect((await server.fetch(new Request('http://server.test/nope'))).status).toBe(404);
  });
});
