// Three ways to put the same products on the wire, each with its encoder and its decoder.
import type { Product } from './records.ts';
import { readBinary, writeBinary } from './binary.ts';
import { readXml, writeXml } from './xml.ts';

export interface Format {
  contentType: string;
  encode(products: Product[]): Uint8Array<ArrayBuffer>;
  decode(bytes: Uint8Array<ArrayBuffer>): Product[];
}

const text = new TextEncoder();
const fromText = new TextDecoder();

export const formats: Record<string, Format> = {
  json: {
    contentType: 'application/json',
    encode: (products) => text.encode(JSON.stringify(products)),
    decode: (bytes) => JSON.parse(fromText.decode(bytes)) as Product[],
  },
  xml: {
    contentType: 'application/xml',
    encode: (products) => text.encode(writeXml(products)),
    decode: (bytes) => readXml(fromText.decode(bytes)),
  },
  binary: {
    contentType: 'application/octet-stream',
    encode: writeBinary,
    decode: readBinary,
  },
};

/**
 * Milliseconds one call of `work` takes: timers in a browser are coarse (0.1 ms or more), so each
 * sample repeats the work for at least 5 ms, and the median of five samples is kept. Before each
 * sample it lets other tasks run, as a server between requests would: at 10,000 records the work
 * takes long enough that five samples in a row would block the event loop for seconds (the page's
 * sandbox stops code that never yields for 1.8 s).
 */
export async function timeIt(work: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let sample = 0; sample < 5; sample++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const start = performance.now();
    let calls = 0;
    do {
      work();
      calls++;
    } while (performance.now() - start < 5);
    samples.push((performance.now() - start) / calls);
  }
  return samples.sort((a, b) => a - b)[2] ?? 0;
}
