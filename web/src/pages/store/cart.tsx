import type { ReactNode } from 'react';
import { api } from '../../api/client';
import type { Cart, CartLine } from '../../api/types';
import { Async, Empty, ErrorMessage, MoneyList, MoneyText } from '../../components/states';
import { useAction, useAsync } from '../../hooks';
import { useT } from '../../i18n';
import { Link, navigate } from '../../router';

function CartRow({ line, onChange }: { line: CartLine; onChange(cart: Cart): void }): ReactNode {
  const t = useT();
  const action = useAction();
  const run = async (request: () => Promise<Cart>): Promise<void> => {
    const cart = await action.run(request);
    if (cart) onChange(cart);
  };
  return (
    <tr data-testid="cart-line" data-sku-id={line.skuId}>
      <td>
        <Link to={`/products/${line.productId}`}>{line.title}</Link>
        {!line.purchasable && <div className="muted">{t('store.notPurchasable')}</div>}
        <ErrorMessage error={action.error} />
      </td>
      <td>
        <MoneyText money={line.unitPrice} />
      </td>
      <td>
        <input
          type="number"
          min={1}
          max={999}
          defaultValue={line.quantity}
          aria-label={t('store.quantity')}
          style={{ width: '4.5rem' }}
          onBlur={(e) => {
            const quantity = Number(e.target.value);
            if (Number.isInteger(quantity) && quantity >= 1 && quantity <= 999 && quantity !== line.quantity)
              void run(() => api<Cart>(`/cart/items/${line.skuId}`, { method: 'PATCH', body: { quantity } }));
          }}
        />
        <div className="muted">{t('store.inStock', { n: line.stock })}</div>
      </td>
      <td>
        <button type="button" className="link" onClick={() => void run(() => api<Cart>(`/cart/items/${line.skuId}`, { method: 'DELETE' }))}>
          {t('action.delete')}
        </button>
      </td>
    </tr>
  );
}

/** The cart with current prices and stock; checkout splits it into one order per seller. */
export function CartPage(): ReactNode {
  const t = useT();
  const cart = useAsync(() => api<Cart>('/cart'), []);
  return (
    <>
      <h1>{t('nav.cart')}</h1>
      <Async state={cart}>
        {(current) =>
          current.items.length === 0 ? (
            <Empty>
              {t('store.cartEmpty')} <Link to="/">{t('store.goShopping')}</Link>
            </Empty>
          ) : (
            <div className="stack">
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th>{t('store.item')}</th>
                      <th>{t('store.unitPrice')}</th>
                      <th>{t('store.quantity')}</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {current.items.map((line) => (
                      <CartRow key={`${line.skuId}:${line.quantity}`} line={line} onChange={cart.setData} />
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="toolbar">
                <span>
                  {t('store.total')}: <MoneyList items={current.totals} />
                </span>
                <span className="spacer" />
                <button type="button" disabled={!current.items.some((line) => line.purchasable)} onClick={() => navigate('/checkout')} data-testid="go-checkout">
                  {t('store.checkout')}
                </button>
              </div>
            </div>
          )
        }
      </Async>
    </>
  );
}
