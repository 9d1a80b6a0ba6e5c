// The numbers of this model, shared by the sender and both receivers. A MODEL of two transports,
// not either protocol: a WebSocket message stands for one packet on the wire (the page cannot send
// UDP or TCP segments), and its JSON says only what the receiver needs to put the bytes in order.
export const PIECE_BYTES = 1200; // one packet's worth of response data
export const PIECES_PER_RESPONSE = 3;
export const PACING_MS = 25; // the sender sends one packet every 25 ms

/** TCP: numbered bytes. The HTTP/2 frame inside says which stream they belong to. */
export interface Segment {
  seq: number; // the first byte's number in the connection's one byte stream
  len: number;
  h2: { stream: number; end: boolean }; // the DATA frame's stream id and END_STREAM flag
  resent?: true; // the model's label for the retransmission; TCP sends the same bytes again
}

/** QUIC: numbered packets, each carrying STREAM frames that name their stream and offset. */
export interface Packet {
  pn: number; // never reused: lost data goes out again in a new packet (RFC 9000 §12.3)
  frames: StreamFrame[];
  resent?: true;
}
export interface StreamFrame {
  type: 'STREAM';
  id: number;
  offset: number;
  len: number;
  fin: boolean;
}
