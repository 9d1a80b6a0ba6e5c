/**
 * The editor's TypeScript tokens, named as the highlighted code before it colours them. The page's
 * code is highlighted at build time by Shiki (Expressive Code, Night Owl), which tells a call from a
 * variable, a constant from a `let`, and an object's key from a type's member; CodeMirror's stream
 * tokenizer (a tenth of the size of a full grammar) says only "variable" or "property". This wrapper
 * looks at the token's neighbours on its line and at the tokenizer's own state to pick the tag
 * Shiki's scope would get, so opening the editor changes as few colours as possible.
 */
import type { StreamParser, StringStream } from '@codemirror/language';
import { typescript } from '@codemirror/legacy-modes/mode/javascript';

/** What the stream tokenizer keeps between tokens (the parts read here). */
interface TokenizerState {
  lexical?: { type?: string; info?: unknown };
  /** Its parser's pending steps; the top one says what the last token was part of. */
  cc?: Array<(...args: unknown[]) => unknown>;
}

/** Keywords Night Owl colours as operators (teal), not as statements (purple). */
const OPERATOR_KEYWORDS = new Set([
  'new',
  'of',
  'typeof',
  'void',
  'this',
  'super',
  'instanceof',
  'delete',
  'keyof',
]);
/** Types Shiki calls primitive (`support.type.primitive`). */
const PRIMITIVES = new Set([
  'void',
  'string',
  'number',
  'boolean',
  'unknown',
  'object',
  'never',
  'any',
  'bigint',
  'symbol',
  'undefined',
  'null',
]);
const CONSTANT = /^[A-Z][A-Z0-9_]+$/;

/**
 * The tag names (`@lezer/highlight`'s, with modifiers after a dot) for a token the stream tokenizer
 * styled `style`, given the text around it on its line.
 *
 * @example
 * // `send(server, …)`: the tokenizer says "variable"; Shiki colours a call as a function.
 * shikiStyle('variable', { token: 'send', before: '', after: '(', constDeclaration: false, typeMember: false }) // 'variableName.function'
 */
export function shikiStyle(
  style: string | null,
  at: {
    token: string;
    /** The last non-space character before the token on its line ('' at the start). */
    before: string;
    /** The first non-space character after it on its line. */
    after: string;
    /** The token is a name a `const` declares. */
    constDeclaration: boolean;
    /** The token names a member of an object type, not a key of an object literal. */
    typeMember: boolean;
    /** The token's line is a `return` statement. */
    returned?: boolean;
  },
): string | null {
  const { token, before, after } = at;
  const call = after === '(';
  switch (style) {
    case null:
      return token === '.' || token === '?.' ? 'derefOperator' : null;
    case 'keyword':
      return OPERATOR_KEYWORDS.has(token) ? 'operatorKeyword' : style;
    case 'meta':
      // `...`: Night Owl's spread operator is teal, as `new` and `typeof` are.
      return token === '...' ? 'operatorKeyword' : style;
    case 'atom':
      return token === 'true' || token === 'false' || token === 'null'
        ? 'bool'
        : 'variableName.constant';
    case 'string property':
      // A quoted key (`'content-type':`) is a string to Shiki.
      return 'string';
    case 'type':
      return PRIMITIVES.has(token) ? 'typeName.standard' : style;
    case 'def':
      if (call) return 'variableName.function';
      if (at.constDeclaration || CONSTANT.test(token)) return 'variableName.constant';
      // A parameter (`server: URL`, `(resolve) =>`): a shade of its own in the dark theme.
      return after === ':' || after === ')' ? 'variableName.special' : 'variableName';
    case 'variable':
    case 'variableName.local':
      if (call) return 'variableName.function';
      return CONSTANT.test(token) || token === 'JSON' ? 'variableName.constant' : 'variableName';
    case 'property':
      if (call) return 'propertyName.function';
      if (CONSTANT.test(token)) return 'propertyName.constant';
      if (before === '.') return after === '.' ? 'propertyName.special' : 'propertyName';
      // An object literal's key is purple in Night Owl, except in what a `return` gives back (Shiki
      // reads that object differently); a type's member stays plain text.
      return at.typeMember || at.returned ? 'variableName' : 'propertyName.definition';
    default:
      return style;
  }
}

/**
 * The stream tokenizer for TypeScript, its tokens renamed by {@link shikiStyle}. Use it as
 * `StreamLanguage.define(shikiTypescript)`.
 */
export const shikiTypescript: StreamParser<unknown> = {
  ...typescript,
  token(stream: StringStream, state: unknown): string | null {
    // Punctuation comes back as undefined.
    const style = typescript.token(stream, state) ?? null;
    const token = stream.current();
    if (!token.trim()) return style;
    const line = stream.string;
    const parser = state as TokenizerState;
    const top = parser.cc?.at(-1);
    return shikiStyle(style, {
      token,
      before: /(\S)\s*$/.exec(line.slice(0, stream.start))?.[1] ?? '',
      after: /^\s*(\S)/.exec(line.slice(stream.pos))?.[1] ?? '',
      constDeclaration: parser.lexical?.type === 'vardef' && parser.lexical.info === 'const',
      // After a type's member name the tokenizer's next step takes (type, value); after an object
      // literal's key it takes (type) only (legacy-modes' typeprop and afterprop).
      typeMember: style === 'property' && typeof top === 'function' && top.length === 2,
      returned: /^\s*return\b/.test(line),
    });
  },
};
