// XML for the products, and a small reader for it. Like a DOM parser, the reader first builds a tree
// of elements, then maps it to objects; real parsers also handle attributes, namespaces and entities.
import type { Product } from './records.ts';

const escape = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function writeXml(products: Product[]): string {
  const items = products.map(
    (p) =>
      `<product><id>${p.id}</id><name>${escape(p.name)}</name><email>${escape(p.email)}</email>` +
      `<priceCents>${p.priceCents}</priceCents><inStock>${p.inStock}</inStock>` +
      `<tags>${p.tags.map((tag) => `<tag>${escape(tag)}</tag>`).join('')}</tags></product>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><products>${items.join('')}</products>`;
}

interface Element {
  name: string;
  children: Element[];
  text: string;
}

/** Builds the element tree: start tags push, end tags pop and must match. */
function parse(xml: string): Element {
  const root: Element = { name: '#document', children: [], text: '' };
  const open = [root];
  const unescape = (value: string) =>
    value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  for (const [, end, name, text] of xml.matchAll(/<(\/?)([A-Za-z][\w.-]*)[^>]*>|([^<]+)/g)) {
    const current = open[open.length - 1] as Element;
    if (text !== undefined) current.text += unescape(text);
    else if (end) {
      if (current.name !== name) throw new SyntaxError(`</${name}> closes <${current.name}>`);
      open.pop();
    } else {
      const element: Element = { name: name ?? '', children: [], text: '' };
      current.children.push(element);
      open.push(element);
    }
  }
  return root;
}

export function readXml(xml: string): Product[] {
  const products = parse(xml.replace(/^<\?xml[^>]*\?>/, '')).children[0]?.children ?? [];
  return products.map((element) => {
    const field = (name: string) => element.children.find((child) => child.name === name);
    const text = (name: string) => field(name)?.text ?? '';
    return {
      id: Number(text('id')),
      name: text('name'),
      email: text('email'),
      priceCents: Number(text('priceCents')),
      inStock: text('inStock') === 'true',
      tags: (field('tags')?.children ?? []).map((tag) => tag.text),
    };
  });
}
