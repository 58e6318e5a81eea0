import { setTimeout as sleep } from 'node:timers/promises';

/** A product as the shop's database holds it. Prices are in cents. */
export interface Product {
  id: string;
  name: string;
  description: string;
  price: number;
}

const PRODUCTS: readonly Product[] = [
  {
    id: '1',
    name: 'Espresso beans, 1 kg',
    description: 'Dark roast, chocolate notes',
    price: 2490,
  },
  { id: '2', name: 'Pour-over kettle', description: 'Gooseneck, 1 l, stainless', price: 4900 },
  { id: '3', name: 'Hand grinder', description: 'Conical burrs, 40 settings', price: 8900 },
  { id: '4', name: 'Paper filters (100)', description: 'Size 02, unbleached', price: 590 },
  { id: '5', name: 'Milk jug', description: '350 ml, for latte art', price: 1890 },
  { id: '6', name: 'Cupping spoon', description: 'Deep bowl, brass', price: 1290 },
];

/**
 * The shop's database: an in-process stand-in for a real one, with a query latency, so that
 * what the cache saves shows. Every query is counted.
 */
export class Catalogue {
  readonly #products = new Map(PRODUCTS.map((product) => [product.id, { ...product }]));
  readonly #latencyMs: number;
  /** Queries answered so far. */
  queries = 0;

  constructor(latencyMs: number) {
    this.#latencyMs = latencyMs;
  }

  /** The ids of every product, without a query (they are fixed). */
  ids(): string[] {
    return [...this.#products.keys()];
  }

  has(id: string): boolean {
    return this.#products.has(id);
  }

  /** One query for some products; unknown ids are left out. */
  async find(ids: readonly string[]): Promise<Product[]> {
    this.queries += 1;
    if (this.#latencyMs > 0) await sleep(this.#latencyMs);
    return ids.flatMap((id) => {
      const product = this.#products.get(id);
      return product === undefined ? [] : [{ ...product }];
    });
  }

  /** Products whose name or description contains every word of `query` (case-insensitive). */
  async search(query: string): Promise<Product[]> {
    this.queries += 1;
    if (this.#latencyMs > 0) await sleep(this.#latencyMs);
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return [...this.#products.values()]
      .filter((p) => words.every((w) => `${p.name} ${p.description}`.toLowerCase().includes(w)))
      .map((product) => ({ ...product }));
  }

  /** Changes a price; undefined for an unknown product. */
  async setPrice(id: string, price: number): Promise<Product | undefined> {
    this.queries += 1;
    const product = this.#products.get(id);
    if (product === undefined) return undefined;
    product.price = price;
    return { ...product };
  }
}
