import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Address, Cart, CartLine, ClaimedCoupon, Money, Order, Page } from '../../api/types';
import { AddressFields, addressBody, addressValues } from '../../components/address-fields';
import { Async, ErrorMessage, MoneyList, MoneyText } from '../../components/states';
import { sumByCurrency } from '../../format';
import { useAction, useAsync } from '../../hooks';
import { useT } from '../../i18n';
import { navigate, useLocation } from '../../router';

interface CheckoutData {
  cart: Cart;
  addresses: Address[];
  coupons: ClaimedCoupon[];
}

async function loadCheckout(): Promise<CheckoutData> {
  const [cart, addresses, coupons] = await Promise.all([api<Cart>('/cart'), api<Page<Address>>('/addresses'), api<Page<ClaimedCoupon>>('/me/coupons', { query: { limit: 100 } })]);
  return { cart, addresses: addresses.items, coupons: coupons.items.filter((coupon) => coupon.status === 'available') };
}

/** What a cart line costs: its unit price times its quantity. */
const lineTotal = (line: CartLine): Money => ({ amount: line.unitPrice.amount * line.quantity, currency: line.unitPrice.currency });

function CheckoutForm({ data, skuIds }: { data: CheckoutData; skuIds: string[] }): ReactNode {
  const t = useT();
  const lines = data.cart.items.filter((line) => line.purchasable && (skuIds.length === 0 || skuIds.includes(line.skuId)));
  const sellers = [...new Set(lines.map((line) => line.sellerId))];
  const [addressId, setAddressId] = useState(data.addresses.find((a) => a.isDefault)?.id ?? data.addresses[0]?.id ?? 'new');
  const [address, setAddress] = useState(() => addressValues());
  const [coupons, setCoupons] = useState<Record<string, string>>({});
  const action = useAction();

  const placeOrders = async (): Promise<Order[]> => {
    const chosen = addressId === 'new' ? (await api<Address>('/addresses', { method: 'POST', body: addressBody(address) })).id : addressId;
    const couponList = Object.entries(coupons)
      .filter(([, code]) => code.trim() !== '')
      .map(([sellerId, code]) => ({ sellerId, code: code.trim() }));
    const answer = await api<{ orders: Order[] }>('/cart/checkout', {
      method: 'POST',
      body: { addressId: chosen, skuIds: lines.map((line) => line.skuId), ...(couponList.length > 0 && { coupons: couponList }) },
    });
    return answer.orders;
  };
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const orders = await action.run(placeOrders);
    const first = orders?.[0];
    if (orders) navigate(orders.length === 1 && first ? `/account/orders/${first.id}` : '/account/orders');
  };

  if (lines.length === 0) return <p className="state">{t('store.cartEmpty')}</p>;
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <section className="card stack">
        <h2 style={{ margin: 0 }}>{t('store.shipTo')}</h2>
        {data.addresses.map((a) => (
          <label key={a.id} className="inline-form" style={{ fontWeight: 400 }}>
            <input type="radio" name="address" checked={addressId === a.id} onChange={() => setAddressId(a.id)} />
            {a.recipient} · {a.phone} · {a.line1}, {a.city} {a.country}
          </label>
        ))}
        <label className="inline-form" style={{ fontWeight: 400 }}>
          <input type="radio" name="address" checked={addressId === 'new'} onChange={() => setAddressId('new')} data-testid="address-new" />
          {t('store.newAddress')}
        </label>
        {addressId === 'new' && <AddressFields values={address} onChange={setAddress} />}
      </section>
      {sellers.map((sellerId) => (
        <section key={sellerId} className="card stack">
          {lines
            .filter((line) => line.sellerId === sellerId)
            .map((line) => (
              <div key={line.skuId} className="toolbar" style={{ margin: 0 }}>
                <span>{line.title}</span>
                <span className="muted">× {line.quantity}</span>
                <span className="spacer" />
                <MoneyText money={lineTotal(line)} />
              </div>
            ))}
          <label>
            {t('store.coupon')}
            <input list={`coupons-${sellerId}`} value={coupons[sellerId] ?? ''} onChange={(e) => setCoupons({ ...coupons, [sellerId]: e.target.value })} placeholder={t('store.couponHint')} data-testid="coupon-code" />
            <datalist id={`coupons-${sellerId}`}>
              {data.coupons.map((coupon) => (
                <option key={coupon.id} value={coupon.code} />
              ))}
            </datalist>
          </label>
        </section>
      ))}
      <ErrorMessage error={action.error} />
      <div className="toolbar">
        <span>
          {t('store.total')}: <MoneyList items={sumByCurrency(lines.map(lineTotal))} />
        </span>
        <span className="spacer" />
        <button type="submit" disabled={action.busy} data-testid="place-order">
          {t('store.placeOrder')}
        </button>
      </div>
    </form>
  );
}

/** Checkout: where to ship, a coupon per seller, then one order per seller (paid from the order page). */
export function CheckoutPage(): ReactNode {
  const t = useT();
  const { search } = useLocation();
  const skuIds = (search.get('skuIds') ?? '').split(',').filter(Boolean);
  const data = useAsync(loadCheckout, []);
  return (
    <>
      <h1>{t('store.checkout')}</h1>
      <Async state={data}>{(loaded) => <CheckoutForm data={loaded} skuIds={skuIds} />}</Async>
    </>
  );
}
