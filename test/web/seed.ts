/** Data the browser tests start from, created through the API as an outside client would. */
import { http } from '../support/processes.js';
import { registerUser, type ApiUser } from '../support/browser.js';

export interface SeededProduct {
  id: string;
  title: string;
  skuId: string;
}

export async function publishProduct(url: string, seller: ApiUser, title: string, options: { price?: number; stock?: number; currency?: string } = {}): Promise<SeededProduct> {
  const res = await http('POST', `${url}/api/v1/products`, {
    token: seller.accessToken,
    body: {
      title,
      description: `${title}: a test product`,
      skus: [{ name: 'Standard', attributes: { colour: 'red' }, price: { amount: options.price ?? 1999, currency: options.currency ?? 'CNY' }, stock: options.stock ?? 20 }],
    },
  });
  if (res.status !== 201) throw new Error(`publish ${title}: ${res.status} ${JSON.stringify(res.body)}`);
  const skus = res.body.skus as { id: string }[];
  return { id: String(res.body.id), title, skuId: skus[0]?.id ?? '' };
}

export async function createFlashSale(url: string, seller: ApiUser, skuId: string, options: { quantity: number; startsInSeconds: number; price?: number }): Promise<string> {
  const startsAt = new Date(Date.now() + options.startsInSeconds * 1000).toISOString();
  const endsAt = new Date(Date.now() + options.startsInSeconds * 1000 + 3_600_000).toISOString();
  const res = await http('POST', `${url}/api/v1/flash-sales`, {
    token: seller.accessToken,
    body: { skuId, price: { amount: options.price ?? 99, currency: 'CNY' }, quantity: options.quantity, startsAt, endsAt },
  });
  if (res.status !== 201) throw new Error(`flash sale: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.id);
}

export async function seedShop(url: string): Promise<{ seller: ApiUser; buyer: ApiUser; product: SeededProduct; saleId: string }> {
  const seller = await registerUser(url, 'seed_seller');
  const buyer = await registerUser(url, 'seed_buyer');
  const product = await publishProduct(url, seller, 'Bamboo tea set');
  const saleId = await createFlashSale(url, seller, product.skuId, { quantity: 5, startsInSeconds: 3600 });
  return { seller, buyer, product, saleId };
}
