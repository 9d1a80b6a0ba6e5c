import { describe, expect, it } from 'vitest';
import { CHAPTER_ID, SANDBOX_ID, chapterOfSandbox } from './sandbox-id';

describe('sandbox ids', () => {
  it.each(['push', 'long-polling', 'request-response.upload', 'pub-sub.dead-letter'])(
    'accepts %s',
    (id) => expect(SANDBOX_ID.test(id)).toBe(true),
  );

  it.each(['', 'Push', 'a..b', 'a.b.c', '.upload', 'upload.', 'a-.b', 'a/b', 'a.b/c', 'a b'])(
    'refuses %j',
    (id) => expect(SANDBOX_ID.test(id)).toBe(false),
  );

  it('keeps chapter ids free of dots', () => {
    expect(CHAPTER_ID.test('request-response')).toBe(true);
    expect(CHAPTER_ID.test('request-response.upload')).toBe(false);
  });

  it('names the chapter a sandbox belongs to', () => {
    expect(chapterOfSandbox('request-response.upload')).toBe('request-response');
    expect(chapterOfSandbox('request-response')).toBe('request-response');
  });
});
