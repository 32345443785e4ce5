import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTranscript, TRUNCATION_MARKER, type TranscriptMessage } from './transcript.ts';

const msg = (i: number, role: 'lead' | 'agent' = i % 2 ? 'agent' : 'lead'): TranscriptMessage => ({ role, channel: 'chat', text: `message ${i}`, sent_at: new Date(Date.UTC(2026, 10, 28, 14, i)) });

describe('renderTranscript', () => {
  it('renders one message a line, oldest first, in the documented format', () => {
    expect(renderTranscript([msg(3), { role: 'agent', channel: 'email', text: 'Hi\nthere', sent_at: '2026-11-28T14:04:30Z' }])).toBe(
      '[2026-11-28 14:03 UTC] Agent (chat): message 3\n[2026-11-28 14:04 UTC] Agent (email): Hi there',
    );
  });
  it('is unchanged when it fits', () => {
    const all = renderTranscript([msg(0), msg(1)]);
    expect(renderTranscript([msg(0), msg(1)], all.length)).toBe(all);
  });
  it('keeps the newest messages after the marker when too long', () => {
    const messages = Array.from({ length: 10 }, (_, i) => msg(i));
    const out = renderTranscript(messages, 150);
    expect(out.startsWith(`${TRUNCATION_MARKER}\n`)).toBe(true);
    expect(out.endsWith('message 9')).toBe(true);
    expect(out).not.toContain('message 0');
    expect(out.length).toBeLessThanOrEqual(150);
  });
  it('never exceeds the length, always starts with the marker when cut, and keeps a suffix of the thread', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 40, max: 2000 }), (texts, max) => {
        const messages = texts.map((text, i) => ({ ...msg(i), text }));
        const full = renderTranscript(messages);
        const out = renderTranscript(messages, max);
        expect(out.length).toBeLessThanOrEqual(max);
        if (full.length <= max) expect(out).toBe(full);
        else {
          expect(out.startsWith(TRUNCATION_MARKER)).toBe(true);
          expect(full.endsWith(out.slice(TRUNCATION_MARKER.length + 1))).toBe(true);
        }
      }),
    );
  });
});
