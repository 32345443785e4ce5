/** Small building blocks every page uses: cards, notices, badges, switches, tabs, dialogs, progress. */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { ApiError } from '../api/client';
import type { Pages } from '../hooks';

export function Card(props: { title?: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; id?: string; class?: string }) {
  const headingId = useId();
  return (
    <section class={`card ${props.class ?? ''}`} id={props.id} aria-labelledby={props.title ? headingId : undefined}>
      {(props.title || props.actions) && (
        <div class="card-head">
          {props.title && <h2 id={headingId}>{props.title}</h2>}
          {props.actions && <div class="card-actions">{props.actions}</div>}
        </div>
      )}
      {props.children}
    </section>
  );
}

export type NoticeKind = 'success' | 'warning' | 'error' | 'info';
export function Notice(props: { kind: NoticeKind; children: ComponentChildren; id?: string }) {
  // Errors interrupt (alert); the rest is announced politely.
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'} id={props.id}>
      {props.children}
    </div>
  );
}

export function ErrorNotice({ error, id }: { error: ApiError | undefined; id?: string }) {
  if (!error) return null;
  return (
    <Notice kind="error" id={id}>
      {error.message}
    </Notice>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="muted" role="status">
      {what}…
    </p>
  );
}

const STATUS_WORDS: Record<string, string> = { pending: 'Pending', synced: 'Synced', error: 'Error', not_synced: 'Not synced' };
export const syncStatusWord = (status: string) => STATUS_WORDS[status] ?? status;
export function SyncBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{syncStatusWord(status)}</span>;
}

export function Badge({ kind, children }: { kind: 'ok' | 'warn' | 'bad' | 'muted'; children: ComponentChildren }) {
  return <span class={`badge badge-${kind}`}>{children}</span>;
}

/** A checkbox shown as a switch (role="switch"), with its label and an optional reason when disabled. */
export function Switch(props: { label: string; checked: boolean; disabled?: boolean; reason?: string; onChange: (checked: boolean) => void }) {
  const id = useId();
  const reasonId = useId();
  return (
    <div class="switch-row">
      <input
        type="checkbox"
        role="switch"
        id={id}
        class="switch"
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={props.reason ? reasonId : undefined}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <label for={id}>{props.label}</label>
      {props.reason && (
        <span class="muted switch-reason" id={reasonId}>
          {props.reason}
        </span>
      )}
    </div>
  );
}

/** ARIA tabs (tablist / tab / tabpanel) with arrow-key movement between tabs. */
export function Tabs<K extends string>(props: { label: string; tabs: { key: K; label: string }[]; selected: K; onSelect: (key: K) => void; children: ComponentChildren }) {
  const base = useId();
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKey = (event: KeyboardEvent) => {
    const index = props.tabs.findIndex((t) => t.key === props.selected);
    let next = index;
    if (event.key === 'ArrowRight') next = (index + 1) % props.tabs.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + props.tabs.length) % props.tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = props.tabs.length - 1;
    else return;
    event.preventDefault();
    const key = props.tabs[next].key;
    props.onSelect(key);
    refs.current[key]?.focus();
  };
  return (
    <div class="tabs">
      <div role="tablist" aria-label={props.label} class="tablist" onKeyDown={onKey}>
        {props.tabs.map((t) => (
          <button
            type="button"
            role="tab"
            key={t.key}
            id={`${base}-tab-${t.key}`}
            aria-selected={t.key === props.selected}
            aria-controls={`${base}-panel`}
            tabIndex={t.key === props.selected ? 0 : -1}
            ref={(el) => {
              refs.current[t.key] = el;
            }}
            onClick={() => props.onSelect(t.key)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${props.selected}`} class="tabpanel">
        {props.children}
      </div>
    </div>
  );
}

/** A modal dialog (the native <dialog>: focus trapped, Escape closes). */
export function Dialog(props: { open: boolean; title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={props.onClose} class="dialog">
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

/** A labelled progress bar: `value / max`, or indeterminate while max is unknown. */
export function Progress(props: { label: string; value: number; max: number | null }) {
  const id = useId();
  return (
    <div class="progress">
      <label for={id}>{props.label}</label>
      {props.max === null ? <progress id={id} /> : <progress id={id} value={props.value} max={Math.max(props.max, 1)} />}
      <span class="muted">{props.max === null ? `${props.value} so far` : `${props.value} / ${props.max}`}</span>
    </div>
  );
}

export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span class="muted">—</span>;
  const date = new Date(at);
  return (
    <time dateTime={at} title={date.toISOString()}>
      {date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  );
}

/** A table that scrolls inside its card on a narrow screen (keyboard-scrollable, named for screen readers). */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** A table inside its scroll region, with a header row of column names (a column may be blank for screen readers only). */
export function Table(props: { label: string; columns: ComponentChildren[]; id?: string; class?: string; children: ComponentChildren }) {
  return (
    <TableWrap label={props.label}>
      <table id={props.id} class={props.class}>
        <thead>
          <tr>
            {props.columns.map((c, i) => (
              <th scope="col" key={i}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </TableWrap>
  );
}

/** Previous and Next under a list that has more than one page; `children`: a note beside them. */
export function Pager({ pages, nextCursor, children }: { pages: Pages; nextCursor: string | null | undefined; children?: ComponentChildren }) {
  if (pages.number === 1 && !nextCursor && !children) return null;
  return (
    <div class="pager">
      <button type="button" disabled={pages.number === 1} onClick={pages.previous}>
        Previous page
      </button>
      <span class="muted">Page {pages.number}</span>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && pages.next(nextCursor)}>
        Next page
      </button>
      {children}
    </div>
  );
}
