// The records both sides agree on: a product catalogue, the same every run.
export interface Product {
  id: number;
  name: string;
  email: string;
  priceCents: number;
  inStock: boolean;
  tags: string[];
}

const NAMES = ['Desk lamp', 'Café table', 'Notebook', 'Tea kettle', 'Bike bell', 'Wool scarf'];
const TAGS = ['home', 'office', 'kitchen', 'outdoor', 'gift', 'sale'];

export function makeProducts(count: number): Product[] {
  return Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    name: `${NAMES[index % NAMES.length]} ${index + 1}`,
    email: `seller${index % 97}@shop.example`,
    priceCents: 499 + ((index * 7919) % 100_000),
    inStock: index % 3 !== 0,
    tags: [TAGS[index % TAGS.length] ?? '', TAGS[(index * 5 + 2) % TAGS.length] ?? ''],
  }));
}
