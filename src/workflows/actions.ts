/**
 * Workflow actions: `webhook` (signed POST), `email` (SMTP, or the outbox without SMTP_URL) and
 * `set_field`. Each returns an outcome; the runner stores it and schedules retries.
 */
import { createHmac } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Database } from '../db/engine.ts';
import { getLead } from '../db/leads.ts';
import type { WorkflowActionRow } from '../db/workflows.ts';
import { insertOutboxEmail } from '../db/workflows.ts';
import { AppError } from '../errors.ts';
import { patchLead } from '../leads/service.ts';
import { orgDataModel } from '../leads/service.ts';
import { renderTemplate, TemplateError } from './templates.ts';
import { checkWebhookTarget, postWebhook, WebhookTargetRefused, type WebhookTarget } from './webhook-target.ts';

export const WEBHOOK_TIMEOUT_MS = 10_000;
export const MAX_ATTEMPTS = 6;

export type ActionOutcome = { status: 'succeeded'; output: Record<string, unknown> } | { status: 'failed' | 'retry'; output: Record<string, unknown> };

export interface ActionDeps {
  db: Database;
  allowedWebhookHosts: readonly string[];
  debounceMs: number;
  /** SMTP transport when SMTP_URL is set; emails go to the outbox otherwise. */
  mailer?: Transporter;
  /** The workflow's webhook signing key. */
  signingSecret: string;
}

export function createMailer(smtpUrl: string | undefined): Transporter | undefined {
  return smtpUrl ? nodemailer.createTransport(smtpUrl) : undefined;
}

/** `sha256=` + hex HMAC-SHA256 of `{timestamp}.{body}`: what a receiver recomputes to verify. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The variables templates see: every field of the lead (missing ones render empty), plus the event. */
export async function templateVariables(db: Database, action: Pick<WorkflowActionRow, 'org_id' | 'lead_id' | 'event'>): Promise<Record<string, unknown>> {
  const lead = await getLead(db, action.org_id, action.lead_id);
  return { ...(lead?.fields ?? {}), lead_id: action.lead_id, event: action.event.event };
}

export async function runAction(action: WorkflowActionRow, deps: ActionDeps): Promise<ActionOutcome> {
  try {
    const vars = await templateVariables(deps.db, action);
    switch (action.type) {
      case 'webhook':
        return await webhook(action, vars, deps);
      case 'email':
        return await email(action, vars, deps);
      case 'set_field':
        return await setField(action, vars, deps);
      default:
        return { status: 'failed', output: { error: `unknown action type ${action.type}` } };
    }
  } catch (error) {
    if (error instanceof TemplateError) return { status: 'failed', output: { error: `template: ${error.message}` } };
    throw error;
  }
}

async function webhook(action: WorkflowActionRow, vars: Record<string, unknown>, deps: ActionDeps): Promise<ActionOutcome> {
  const spec = action.spec as { url: string; body_template?: string };
  let target: WebhookTarget;
  try {
    target = await checkWebhookTarget(spec.url, { allowed: deps.allowedWebhookHosts });
  } catch (error) {
    if (error instanceof WebhookTargetRefused) return { status: 'failed', output: { error: error.message } };
    return { status: 'retry', output: { error: `could not resolve ${spec.url}: ${(error as Error).message}` } };
  }
  const body = spec.body_template !== undefined ? await renderTemplate(spec.body_template, vars) : JSON.stringify(action.event);
  const timestamp = String(Math.floor(Date.now() / 1000));
  let response: { status: number };
  try {
    // To the address that was checked, following no redirect.
    response = await postWebhook(target, {
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'LeadSync-Webhook/1',
        'x-leadsync-event': String(action.event.event),
        'x-leadsync-delivery': action.id,
        'x-leadsync-timestamp': timestamp,
        'x-leadsync-signature': signWebhook(deps.signingSecret, timestamp, body),
      },
      body,
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${WEBHOOK_TIMEOUT_MS} ms` : (error as Error).message;
    return { status: 'retry', output: { error: reason } };
  }
  const output = { status_code: response.status };
  if (response.status >= 200 && response.status < 300) return { status: 'succeeded', output };
  // Server trouble and throttling are worth another try; other client errors will not change.
  if (response.status >= 500 || response.status === 408 || response.status === 429) return { status: 'retry', output };
  return { status: 'failed', output };
}

async function email(action: WorkflowActionRow, vars: Record<string, unknown>, deps: ActionDeps): Promise<ActionOutcome> {
  const spec = action.spec as { to_template: string; subject_template: string; body_template: string };
  const to = (await renderTemplate(spec.to_template, vars)).trim();
  const subject = (await renderTemplate(spec.subject_template, vars)).trim();
  const text = await renderTemplate(spec.body_template, vars);
  if (!to) return { status: 'failed', output: { error: 'the recipient rendered empty' } };
  if (!deps.mailer) {
    const id = await insertOutboxEmail(deps.db, { org_id: action.org_id, action_id: action.id, recipient: to, subject, body: text, status: 'outbox' });
    return { status: 'succeeded', output: { to, subject, delivery: 'outbox', outbox_id: id } };
  }
  try {
    const info = await deps.mailer.sendMail({ from: 'LeadSync <no-reply@leadsync.local>', to, subject, text });
    await insertOutboxEmail(deps.db, { org_id: action.org_id, action_id: action.id, recipient: to, subject, body: text, status: 'sent' });
    return { status: 'succeeded', output: { to, subject, delivery: 'smtp', message_id: info.messageId } };
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode;
    // 5xx SMTP replies are permanent (bad recipient...); connection trouble and 4xx are retried.
    return { status: code !== undefined && code >= 500 ? 'failed' : 'retry', output: { to, subject, error: (error as Error).message } };
  }
}

async function setField(action: WorkflowActionRow, vars: Record<string, unknown>, deps: ActionDeps): Promise<ActionOutcome> {
  const spec = action.spec as { field: string; value_template: string };
  const rendered = await renderTemplate(spec.value_template, vars);
  const field = (await orgDataModel(deps.db, action.org_id)).get(spec.field);
  if (!field) return { status: 'failed', output: { error: `the data model has no field ${spec.field}` } };
  const value = coerce(rendered, field.type);
  try {
    // No workflow events from set_field: a workflow on lead.updated that sets a field would loop.
    await patchLead(deps.db, action.org_id, action.lead_id, { [spec.field]: value }, { debounceMs: deps.debounceMs, emitEvents: false });
    return { status: 'succeeded', output: { field: spec.field, value } };
  } catch (error) {
    if (error instanceof AppError) return { status: 'failed', output: { field: spec.field, error: error.message } };
    throw error;
  }
}

/** A rendered template is text; numbers and booleans fields take it as their type, empty clears. */
function coerce(text: string, type: string): string | number | boolean | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (type === 'number') return Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
  if (type === 'boolean') return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed;
  return text;
}
