import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

/** A page's heading (its one h1) and the tab's title. */
export function Page(props: { title: string; lead?: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren }) {
  useEffect(() => {
    document.title = `${props.title} · LeadSync`;
  }, [props.title]);
  return (
    <div class="page">
      <div class="page-head">
        <div>
          <h1>{props.title}</h1>
          {props.lead && <p class="muted page-lead">{props.lead}</p>}
        </div>
        {props.actions && <div class="page-actions">{props.actions}</div>}
      </div>
      {props.children}
    </div>
  );
}
