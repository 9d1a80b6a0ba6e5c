// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import type { Exercise } from '#exercise';

interface Packet {
  pn?: number;
  frames?: Array<{ id?: number }>;
}

export const exercises: Exercise[] = [
  {
    id: 'two-streams-per-packet',
    title: 'Put two streams in each QUIC packet',
    task: 'A QUIC packet may carry frames of several streams, and a sender with small responses fills its packets that way. Make server.ts put the STREAM frames of two different streams into each QUIC packet (six packets instead of twelve), keep losing packet 2, and see how many streams now wait for the resend.',
    hint: 'quicPackets() makes one packet per piece; the pieces come round robin, so pieces 2i and 2i + 1 belong to different streams.',
    check(run) {
      const link = run.trace.find((event) => event.kind === 'ws-open' && event.from === 'quic');
      const packets = run.trace.flatMap((event) => {
        if (event.kind !== 'ws-message' || event.exchange !== link?.exchange) return [];
        if (event.from !== 'server') return [];
        try {
          return [JSON.parse(event.preview) as Packet];
        } catch {
          return [];
        }
      });
      const shared = packets.filter(
        (packet) => new Set((packet.frames ?? []).map((frame) => frame.id)).size >= 2,
      );
      if (shared.length === 0) {
        return {
          pass: false,
          message: `None of the ${packets.length} QUIC packets carried frames of two streams.`,
        };
      }
      const summary = run.logs.find(
        (line) => line.host === 'quic' && line.text.startsWith('QUIC (HTTP/3):'),
      )?.text;
      const waited = Number(/(\d+) of \d+ streams finished only when/.exec(summary ?? '')?.[1]);
      if (waited !== 2) {
        return {
          pass: false,
          message: `${shared.length} packets carried two streams, but the quic client says ${summary ?? 'nothing'}: lose packet 2 and let every stream finish.`,
        };
      }
      return {
        pass: true,
        message: `${shared.length} of ${packets.length} QUIC packets carried two streams, so the one lost packet held back 2 streams: a loss stalls every stream whose data it carried.`,
      };
    },
  },
];
