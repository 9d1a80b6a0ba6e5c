import { describe, expect, it } from 'vitest';
import { harToTrace } from '../trace/har-import';
import { cloneModel } from './replay-timeline';
import { TraceModel } from '../trace/trace-model';

/** Everything a model holds, as plain data. */
const state = (model: TraceModel) => ({
  messages: model.messages,
  exchanges: [...model.exchanges],
  counters: [...model.counters],
  events: model.events,
  hosts: model.hosts,
  elapsed: model.elapsed,
  openCount: model.openCount,
});

/** A trace with streamed bodies, a WebSocket and a failure, read from a HAR. */
const { events, hosts } = harToTrace(
  JSON.stringify({
    log: {
      entries: [0, 1, 2, 3].map((i) => ({
        startedDateTime: new Date(Date.UTC(2026, 11, 6, 6, 0, 0, i * 10)).toISOString(),
        time: 30,
        request: { method: 'GET', url: `http://api.test/${i}` },
        response: {
          status: i === 3 ? 0 : 200,
          statusText: 'OK',
          headers: [{ name: 'transfer-encoding', value: 'chunked' }],
          content: { size: 5, mimeType: 'text/plain', text: 'hello' },
        },
        timings: { send: 0, wait: 5, receive: 25 },
      })),
    },
  }),
);

describe('cloneModel', () => {
  it('copies a moment so that folding the rest gives the whole run, and the moment stays as it was', () => {
    for (let cut = 0; cut <= events.length; cut++) {
      const moment = new TraceModel(hosts);
      moment.add(events.slice(0, cut));
      const before = structuredClone(state(moment));
      const copy = cloneModel(moment);
      copy.add(events.slice(cut));
      const whole = new TraceModel(hosts);
      whole.add(events);
      expect(state(copy)).toEqual(state(whole));
      expect(state(moment)).toEqual(before);
    }
  });
});
