import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ApiError } from '../../api/client';
import type { Recharge } from '../../api/types';
import { ErrorMessage, MoneyText } from '../../components/states';
import { useT } from '../../i18n';
import { navigate } from '../../router';

const POLL_MS = 1000;
/** After about two minutes of "pending" the page stops asking; the webhook may still land later. */
const MAX_POLLS = 120;

interface RechargeWatch {
  recharge: Recharge | null;
  error: unknown;
  gaveUp: boolean;
}

/** Asks for the recharge every second until the provider's webhook has settled it. */
function useRechargeWatch(id: string, onSettled: () => void): RechargeWatch {
  const [watch, setWatch] = useState<RechargeWatch>({ recharge: null, error: null, gaveUp: false });
  const settled = useRef(onSettled);
  useEffect(() => {
    settled.current = onSettled;
  });
  useEffect(() => {
    let stopped = false;
    let polls = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      polls += 1;
      try {
        const recharge = await api<Recharge>(`/wallet/recharges/${encodeURIComponent(id)}`);
        if (stopped) return;
        setWatch({ recharge, error: null, gaveUp: false });
        if (recharge.status !== 'pending') return settled.current();
      } catch (error) {
        if (stopped) return;
        setWatch((old) => ({ ...old, error }));
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) return;
      }
      if (polls >= MAX_POLLS) setWatch((old) => ({ ...old, gaveUp: true }));
      else timer = setTimeout(() => void tick(), POLL_MS);
    };
    setWatch({ recharge: null, error: null, gaveUp: false });
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id]);
  return watch;
}

function Outcome({ watch }: { watch: RechargeWatch }): ReactNode {
  const t = useT();
  const { recharge } = watch;
  if (recharge?.status === 'succeeded') {
    return (
      <span>
        {t('account.recharge.succeeded')} <MoneyText money={recharge.amount} />
      </span>
    );
  }
  if (recharge?.status === 'failed') return <span>{t('account.recharge.failed')}</span>;
  if (watch.gaveUp) return <span>{t('account.recharge.stillPending')}</span>;
  return (
    <span>
      <span className="spinner" aria-hidden="true" /> {t('account.recharge.pending')}
    </span>
  );
}

function RechargeError({ error }: { error: unknown }): ReactNode {
  const t = useT();
  const unknown = error instanceof ApiError && (error.status === 400 || error.status === 404);
  if (!unknown) return <ErrorMessage error={error} />;
  return (
    <p className="error-box" role="alert" data-testid="recharge-result" data-status="unknown">
      {t('account.recharge.unknown')}
    </p>
  );
}

/** The outcome of the recharge the provider sent the person back from (`?recharge=<id>`). */
export function RechargeResult({ id, onSettled }: { id: string; onSettled(): void }): ReactNode {
  const t = useT();
  const watch = useRechargeWatch(id, onSettled);
  const status = watch.recharge?.status ?? 'pending';
  if (watch.error && !watch.recharge) return <RechargeError error={watch.error} />;
  const box = status === 'succeeded' ? 'success-box' : status === 'failed' ? 'error-box' : 'card';
  return (
    <div className={box} role="status" aria-live="polite" data-testid="recharge-result" data-status={status} style={{ display: 'flex', gap: '1rem', justifyContent: 'space-between', alignItems: 'center', flexWrap: 'wrap' }}>
      <Outcome watch={watch} />
      {status !== 'pending' && (
        <button type="button" className="link" onClick={() => navigate('/account/wallet', { replace: true })} data-testid="recharge-result-close">
          {t('action.close')}
        </button>
      )}
    </div>
  );
}
