/** "Backfill": queue every lead for push, then a progress bar while the queue drains (pending → 0). */
import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { useAction, usePoll } from '../hooks';
import { ErrorNotice, Notice, Progress } from './ui';

export function Backfill(props: { org: string; label?: string; onDone?: () => void }) {
  const [queued, setQueued] = useState<number | undefined>(undefined);
  const [left, setLeft] = useState<number | undefined>(undefined);
  const start = useAction(async () => {
    const res = (await ok(api.POST('/api/v1/orgs/{org}/integrations/salesforce/sync/backfill', { params: { path: { org: props.org } } }))) as { queued?: number; requeued?: number };
    const n = res.queued ?? res.requeued ?? 0;
    setQueued(n);
    setLeft(n);
  });
  const running = queued !== undefined && left !== undefined && left > 0;
  usePoll(
    async () => {
      const status = await ok(api.GET('/api/v1/orgs/{org}/integrations/salesforce/sync', { params: { path: { org: props.org } } }));
      const remaining = status.pending + status.in_flight;
      setLeft(remaining);
      if (remaining === 0) props.onDone?.();
    },
    1000,
    running,
  );
  return (
    <div class="backfill">
      <button type="button" onClick={() => void start.run()} disabled={start.busy || running}>
        {props.label ?? 'Backfill existing leads'}
      </button>
      <ErrorNotice error={start.error} />
      {queued !== undefined && left !== undefined && (
        <div aria-live="polite">
          {left > 0 ? (
            <Progress label="Backfill" value={Math.max(queued - left, 0)} max={Math.max(queued, left)} />
          ) : (
            <Notice kind="success">Backfill done: {queued} lead{queued === 1 ? '' : 's'} queued and pushed.</Notice>
          )}
        </div>
      )}
    </div>
  );
}
