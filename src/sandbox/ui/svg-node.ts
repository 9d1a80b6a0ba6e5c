/**
 * A small SVG element tree, the form the sequence diagram and the waterfall are drawn in: it becomes
 * an SVG string at build time ({@link toSvgString}) or DOM nodes in the page, so event text is never
 * parsed as markup.
 */

/** An SVG element: tag, attributes, children, or text content. */
export interface SvgNode {
  tag: string;
  attrs: Record<string, string | number>;
  children?: SvgNode[];
  text?: string;
}

/** An element with its attributes, and children or text. */
export const el = (
  tag: string,
  attrs: Record<string, string | number>,
  children?: SvgNode[],
  text?: string,
): SvgNode => {
  const node: SvgNode = { tag, attrs };
  if (children) node.children = children;
  if (text !== undefined) node.text = text;
  return node;
};

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** Serializes an element tree to SVG markup, escaping every attribute and text. */
export function toSvgString(node: SvgNode): string {
  const attrs = Object.entries(node.attrs)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
  const inner =
    (node.text !== undefined ? escapeXml(node.text) : '') +
    (node.children ?? []).map(toSvgString).join('');
  return `<${node.tag}${attrs}>${inner}</${node.tag}>`;
}
