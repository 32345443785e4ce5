/**
 * Text no database can store: NUL characters and lone UTF-16 surrogates. PostgreSQL refuses both in
 * text and jsonb, so a string holding one would fail deep in a write. Every body and query string is
 * checked here first and answered `400 validation_failed` naming each bad input (runtime.md's
 * "Safety at the edges").
 */
import { validationFailed } from '../errors.ts';

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const hasUnstorableText = (text: string): boolean => UNSTORABLE.test(text);

const PROBLEM = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/** The input paths (`body.fields.company`) whose strings, or keys, no database could store. */
export function unstorableText(value: unknown, path: string, out: Record<string, string> = {}, depth = 0): Record<string, string> {
  if (typeof value === 'string') {
    if (hasUnstorableText(value)) out[path] = PROBLEM;
  } else if (Array.isArray(value)) {
    if (depth < 64) value.forEach((item, i) => unstorableText(item, `${path}.${i}`, out, depth + 1));
  } else if (value !== null && typeof value === 'object' && depth < 64) {
    for (const [key, item] of Object.entries(value)) {
      const child = `${path}.${key}`;
      if (hasUnstorableText(key)) out[child] = `has a name that ${PROBLEM}`;
      else unstorableText(item, child, out, depth + 1);
    }
  }
  return out;
}

/** Throws 400 validation_failed when the body or query string holds text no database can store. */
export function checkStorableInput(request: { body?: unknown; query?: unknown }): void {
  const problems = unstorableText(request.query, 'query');
  unstorableText(request.body, 'body', problems);
  if (Object.keys(problems).length > 0) throw validationFailed(problems);
}
