import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { handshakeHeaders, sha1, websocketAccept, websocketKey } from './websocket-handshake';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('sha1', () => {
  it('gives the FIPS 180-4 example digests, one block and two', () => {
    expect(hex(sha1(new TextEncoder().encode('abc')))).toBe(
      'a9993e364706816aba3e25717850c26c9cd0d89d',
    );
    const twoBlocks = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
    expect(hex(sha1(new TextEncoder().encode(twoBlocks)))).toBe(
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
  });

  it('agrees with node:crypto at every length around the padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      expect(hex(sha1(bytes)), `length ${length}`).toBe(
        createHash('sha1').update(bytes).digest('hex'),
      );
    }
  });
});

describe('the opening handshake', () => {
  it('answers the RFC 6455 §1.3 example key with its accept value', () => {
    expect(websocketAccept('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('makes a fresh 16-byte key each time', () => {
    const key = websocketKey();
    expect(atob(key)).toHaveLength(16);
    expect(websocketKey()).not.toBe(key);
  });

  it('puts the upgrade request and the 101 headers of a real handshake in the trace', () => {
    const { request, response } = handshakeHeaders({
      url: new URL('ws://server.test/feed'),
      protocols: ['chat.v2', 'chat.v1'],
      origin: 'http://alice.test',
      cookie: 'session=abc',
      key: 'dGhlIHNhbXBsZSBub25jZQ==',
    });
    expect(request).toEqual([
      ['host', 'server.test'],
      ['connection', 'Upgrade'],
      ['upgrade', 'websocket'],
      ['origin', 'http://alice.test'],
      ['sec-websocket-key', 'dGhlIHNhbXBsZSBub25jZQ=='],
      ['sec-websocket-version', '13'],
      ['sec-websocket-extensions', 'permessage-deflate; client_max_window_bits'],
      ['sec-websocket-protocol', 'chat.v2, chat.v1'],
      ['cookie', 'session=abc'],
    ]);
    expect(response).toEqual([
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='],
      ['Sec-WebSocket-Protocol', 'chat.v2'],
    ]);
  });
});
