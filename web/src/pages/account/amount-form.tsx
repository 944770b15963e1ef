import { useState, type FormEvent, type ReactNode } from 'react';
import type { Money } from '../../api/types';
import { CurrencySelect } from '../../components/currency-select';
import { ErrorMessage } from '../../components/states';
import { amountText, parseAmount } from '../../format';
import { useT } from '../../i18n';
import { useAction } from '../../hooks';

interface Props {
  title: string;
  submitLabel: string;
  /** Prefix of the data-testid of the currency, amount and submit controls. */
  testPrefix: string;
  currencies: string[];
  /** Sends the amount; a rejection is shown as a sentence under the form. */
  send(money: Money): Promise<void>;
}

/** A currency and an amount typed as text (parsed exactly into minor units), then one request. */
export function AmountForm({ title, submitLabel, testPrefix, currencies, send }: Props): ReactNode {
  const t = useT();
  const [currency, setCurrency] = useState(currencies[0] ?? 'CNY');
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const action = useAction();

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const amount = parseAmount(text, currency);
    setInvalid(amount === null || amount <= 0);
    if (amount === null || amount <= 0) return;
    const done = await action.run(() => send({ amount, currency }).then(() => true));
    if (done) setText('');
  };

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} noValidate>
      <h3>{title}</h3>
      <div className="row">
        <CurrencySelect value={currency} onChange={setCurrency} testId={`${testPrefix}-currency`} currencies={currencies} />
        <label>
          {t('account.wallet.amount')}
          <input
            inputMode="decimal"
            autoComplete="off"
            value={text}
            placeholder={amountText(0, currency)}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={invalid}
            data-testid={`${testPrefix}-amount`}
          />
        </label>
      </div>
      {invalid && (
        <p className="error-box" role="alert" data-testid={`${testPrefix}-invalid`}>
          {t('account.wallet.invalidAmount')}
        </p>
      )}
      <ErrorMessage error={action.error} />
      <div className="actions">
        <button type="submit" disabled={action.busy} data-testid={`${testPrefix}-submit`}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
