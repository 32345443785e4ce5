/**
 * The `conversation` field as pushed: the whole thread, oldest first, one message a line —
 * `[2026-11-28 14:03 UTC] Lead (chat): text` — fitted to the Salesforce field's length by keeping
 * the newest messages after a `[earlier messages truncated]` marker. Pure.
 */
export interface TranscriptMessage {
  role: 'lead' | 'agent';
  channel: string;
  text: string;
  /** A Date, an ISO string or epoch milliseconds. */
  sent_at: Date | string | number;
}

export const TRUNCATION_MARKER = '[earlier messages truncated]';

function stamp(at: Date | string | number): string {
  const iso = (at instanceof Date ? at : new Date(at)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function renderLine(m: TranscriptMessage): string {
  // One message a line: newlines inside a message become spaces so lines stay messages.
  const text = m.text.replace(/\r?\n/g, ' ');
  return `[${stamp(m.sent_at)}] ${m.role === 'lead' ? 'Lead' : 'Agent'} (${m.channel}): ${text}`;
}

/** Renders the transcript; with `maxLength`, keeps the newest lines that fit after the marker. */
export function renderTranscript(messages: readonly TranscriptMessage[], maxLength?: number): string {
  const lines = messages.map(renderLine);
  const full = lines.join('\n');
  if (maxLength === undefined || full.length <= maxLength) return full;
  const kept: string[] = [];
  let length = TRUNCATION_MARKER.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    const next = length + 1 + lines[i].length;
    if (next > maxLength) {
      // Not even the newest line fits whole: keep its end, which is the newest text.
      if (kept.length === 0) kept.unshift(lines[i].slice(lines[i].length - Math.max(0, maxLength - TRUNCATION_MARKER.length - 1)));
      break;
    }
    kept.unshift(lines[i]);
    length = next;
  }
  return [TRUNCATION_MARKER, ...kept].join('\n').slice(0, maxLength);
}
