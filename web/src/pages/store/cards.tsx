import type { ReactNode } from 'react';
import type { FlashSale, Product } from '../../api/types';
import { Empty, MoneyText, SaleStatusBadge } from '../../components/states';
import { useT } from '../../i18n';
import { Link } from '../../router';

/** A product's picture, or a placeholder glyph when it has none. */
export function Thumb({ images, alt }: { images: string[]; alt: string }): ReactNode {
  const first = images[0];
  return (
    <div className="thumb">
      {first ? (
        <img src={first} alt={alt} loading="lazy" />
      ) : (
        <svg viewBox="0 0 24 24" width="56" height="56" aria-hidden="true" fill="none" stroke="#f08c00" strokeWidth="1.5" strokeLinejoin="round">
          <path d="M5 8h14l-1 12H6L5 8z" />
          <path d="M9 8V6a3 3 0 0 1 6 0v2" />
        </svg>
      )}
    </div>
  );
}

/** The cheapest SKU's price ("from"), and the total stock. */
export function ProductCard({ product }: { product: Product }): ReactNode {
  const t = useT();
  const cheapest = product.skus.reduce<Product['skus'][number] | undefined>((low, sku) => (!low || sku.price.amount < low.price.amount ? sku : low), undefined);
  const stock = product.skus.reduce((sum, sku) => sum + sku.stock, 0);
  return (
    <Link to={`/products/${product.id}`} className="card product-card" data-testid="product-card" data-product-id={product.id}>
      <Thumb images={product.images} alt={product.title} />
      <strong>{product.title}</strong>
      {cheapest && <MoneyText money={cheapest.price} className="price" />}
      <span className="muted">{stock > 0 ? t('store.inStock', { n: stock }) : t('store.outOfStock')}</span>
    </Link>
  );
}

/** How much of the sale's quantity is sold, as a bar. */
export function RemainingBar({ sale }: { sale: FlashSale }): ReactNode {
  const sold = sale.quantity - sale.remaining;
  return (
    <div className="remaining-bar" aria-hidden="true">
      <span style={{ width: `${sale.quantity > 0 ? (sold / sale.quantity) * 100 : 0}%` }} />
    </div>
  );
}

export function FlashSaleCard({ sale }: { sale: FlashSale }): ReactNode {
  const t = useT();
  return (
    <Link to={`/flash-sales/${sale.id}`} className="card product-card" data-testid="flash-sale-card" data-sale-id={sale.id}>
      <div className="toolbar" style={{ margin: 0 }}>
        <strong>⚡ {sale.title}</strong>
        <span className="spacer" />
        <SaleStatusBadge status={sale.status} />
      </div>
      <MoneyText money={sale.price} className="price" />
      <RemainingBar sale={sale} />
      <span className="muted">{t('store.remainingOf', { remaining: sale.remaining, quantity: sale.quantity })}</span>
    </Link>
  );
}

/** A page of flash sales as cards, or "nothing here yet". */
export function FlashSaleGrid({ sales }: { sales: FlashSale[] }): ReactNode {
  if (sales.length === 0) return <Empty />;
  return (
    <div className="grid">
      {sales.map((sale) => (
        <FlashSaleCard key={sale.id} sale={sale} />
      ))}
    </div>
  );
}
