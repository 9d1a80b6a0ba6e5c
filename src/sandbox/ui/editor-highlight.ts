/**
 * The editor's syntax colours: the palette of the highlighted code it replaces (Starlight's Expressive
 * Code themes, Night Owl light and dark, as the built page shows them), per token as
 * editor-tokens.ts names it. Light and dark follow the site's theme switch (`data-theme` on the root).
 */
import { HighlightStyle } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';

/** Colour of each kind of token, light then dark, as the static code shows it. */
const PALETTE = {
  text: ['#403f53', '#d6deeb'],
  parameter: ['#403f53', '#d7dbe0'],
  comment: ['#5d6376', '#919f9f'],
  keyword: ['#8844ae', '#c792ea'],
  /** `new`, `typeof`, `this`, `...`: Night Owl's operator keywords. */
  operatorKeyword: ['#096e72', '#7fdbca'],
  string: ['#984e4d', '#ecc48d'],
  template: ['#3b61b0', '#ecc48d'],
  number: ['#aa0982', '#f78c6c'],
  bool: ['#a24848', '#ff6a83'],
  /** Calls, functions and constants. */
  fn: ['#3b61b0', '#82aaff'],
  /** A property read after a dot. */
  property: ['#096e72', '#7fdbca'],
  /** An object whose own property is read next (`url.searchParams.get`). */
  object: ['#111111', '#faf39f'],
  type: ['#111111', '#ffcb8b'],
  primitive: ['#3b61b0', '#c5e478'],
} as const;

type Kind = keyof typeof PALETTE;

const colour = (kind: Kind): string => `var(--tok-${kind})`;
const variables = (theme: 0 | 1): Record<string, string> =>
  Object.fromEntries(
    Object.entries(PALETTE).map(([kind, colours]) => [`--tok-${kind}`, colours[theme]]),
  );

/** The palette as CSS variables on the editor, switched with the site's theme. */
export const paletteTheme = EditorView.theme({
  '&': variables(0),
  ":root[data-theme='dark'] &": variables(1),
  '& .cm-content': { color: colour('text') },
});

/** Which colour each tag gets (the most specific rule wins: a call beats a plain property). */
export const sandboxHighlight = HighlightStyle.define([
  { tag: tags.comment, color: colour('comment') },
  { tag: tags.special(tags.variableName), color: colour('parameter') },
  {
    tag: [tags.keyword, tags.operator, tags.definition(tags.propertyName)],
    color: colour('keyword'),
  },
  { tag: [tags.operatorKeyword, tags.self, tags.meta], color: colour('operatorKeyword') },
  { tag: tags.string, color: colour('string') },
  { tag: [tags.special(tags.string), tags.regexp], color: colour('template') },
  { tag: tags.number, color: colour('number') },
  { tag: [tags.bool, tags.atom], color: colour('bool') },
  {
    tag: [
      tags.function(tags.variableName),
      tags.function(tags.propertyName),
      tags.constant(tags.variableName),
      tags.constant(tags.propertyName),
    ],
    color: colour('fn'),
  },
  { tag: tags.propertyName, color: colour('property') },
  { tag: tags.special(tags.propertyName), color: colour('object') },
  { tag: tags.typeName, color: colour('type') },
  { tag: tags.standard(tags.typeName), color: colour('primitive') },
]);
