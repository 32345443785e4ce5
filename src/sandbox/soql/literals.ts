/**
 * SOQL literal values: string escapes, LIKE patterns, date/datetime literals and the relative
 * date literals (TODAY, LAST_N_DAYS:n ...) as UTC ranges.
 */

/** Thrown for a bad literal; the caller turns it into a Salesforce error with the query context. */
export class LiteralError extends Error {}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  N: '\n',
  r: '\r',
  R: '\r',
  t: '\t',
  T: '\t',
  b: '\b',
  B: '\b',
  f: '\f',
  F: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
};

/** One piece of a decoded string: plain text, or (in LIKE patterns) a wildcard. */
type Piece = { text: string } | { wildcard: '%' | '_' };

function decodePieces(quoted: string): Piece[] {
  if (quoted.length < 2 || quoted[0] !== "'" || quoted[quoted.length - 1] !== "'") {
    throw new LiteralError(`Invalid string literal ${quoted}`);
  }
  const body = quoted.slice(1, -1);
  const pieces: Piece[] = [];
  let text = '';
  const flush = () => {
    if (text) pieces.push({ text });
    text = '';
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '%' || c === '_') {
      flush();
      pieces.push({ wildcard: c });
      continue;
    }
    if (c !== '\\') {
      text += c;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw new LiteralError(`Invalid string literal ${quoted}. Illegal character sequence '\\' in string literal.`);
    if (e in SIMPLE_ESCAPES) {
      text += SIMPLE_ESCAPES[e];
      i++;
    } else if (e === '%' || e === '_') {
      // \% and \_ are the literal characters (they only matter to LIKE, where unescaped ones are wildcards).
      text += e;
      i++;
    } else if (e === 'u' || e === 'U') {
      const hex = body.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new LiteralError(`Invalid string literal ${quoted}. Illegal character sequence '\\${e}${hex}' in string literal.`);
      }
      text += String.fromCharCode(parseInt(hex, 16));
      i += 5;
    } else {
      throw new LiteralError(`Invalid string literal ${quoted}. Illegal character sequence '\\${e}' in string literal.`);
    }
  }
  flush();
  return pieces;
}

/** The value of a quoted SOQL string literal (`'O\'Brien'` → `O'Brien`). */
export function decodeString(quoted: string): string {
  return decodePieces(quoted)
    .map((p) => ('text' in p ? p.text : p.wildcard))
    .join('');
}

/** A LIKE pattern as an anchored, case-insensitive RegExp (`%` any run, `_` one char, `\%` `\_` literal). */
export function likeRegExp(quoted: string): RegExp {
  const src = decodePieces(quoted)
    .map((p) => ('text' in p ? p.text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : p.wildcard === '%' ? '[\\s\\S]*' : '[\\s\\S]'))
    .join('');
  return new RegExp(`^${src}$`, 'i');
}

/** Encodes a string as a SOQL literal (backslash first, then quote) — the inverse of decodeString. */
export function encodeString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/i;

/** A `YYYY-MM-DD` date as epoch ms at 00:00 UTC, or undefined. */
export function parseDate(s: string): number | undefined {
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms;
}

/** A SOQL datetime literal (`2026-11-28T10:00:00Z`, `...+01:00`, `...-0800`) as epoch ms, or undefined. */
export function parseDateTimeLiteral(s: string): number | undefined {
  const m = DATETIME_RE.exec(s);
  if (!m) return undefined;
  const day = parseDate(`${m[1]}-${m[2]}-${m[3]}`);
  const [h, mi, se] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (day === undefined || h > 23 || mi > 59 || se > 59) return undefined;
  const frac = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  let offset = 0;
  const zone = m[8]!;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    offset = (zone[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return day + ((h * 60 + mi) * 60 + se) * 1000 + frac - offset;
}

/** A stored date or datetime value (ISO string) as epoch ms, or null. */
export function storedTime(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  const s = String(value);
  // The stored form (`2026-11-28T14:03:00.000+0000`) is by far the most common: parse it directly.
  if (s.length === 28 && s[10] === 'T' && s[19] === '.' && s.endsWith('+0000')) {
    const ms = Date.parse(`${s.slice(0, 23)}Z`);
    if (!Number.isNaN(ms)) return ms;
  }
  const d = parseDate(s);
  if (d !== undefined) return d;
  const ms = Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? null : ms;
}

/** A half-open UTC range [start, end) in epoch ms. */
export interface TimeRange {
  start: number;
  end: number;
}

const DAY = 86_400_000;

const FIXED_LITERALS = new Set([
  'YESTERDAY', 'TODAY', 'TOMORROW', 'LAST_WEEK', 'THIS_WEEK', 'NEXT_WEEK', 'LAST_MONTH', 'THIS_MONTH',
  'NEXT_MONTH', 'LAST_90_DAYS', 'NEXT_90_DAYS', 'THIS_QUARTER', 'LAST_QUARTER', 'NEXT_QUARTER', 'THIS_YEAR',
  'LAST_YEAR', 'NEXT_YEAR', 'THIS_FISCAL_QUARTER', 'LAST_FISCAL_QUARTER', 'NEXT_FISCAL_QUARTER',
  'THIS_FISCAL_YEAR', 'LAST_FISCAL_YEAR', 'NEXT_FISCAL_YEAR',
]);
const N_LITERALS = new Set([
  'LAST_N_DAYS', 'NEXT_N_DAYS', 'N_DAYS_AGO', 'LAST_N_WEEKS', 'NEXT_N_WEEKS', 'N_WEEKS_AGO', 'LAST_N_MONTHS',
  'NEXT_N_MONTHS', 'N_MONTHS_AGO', 'LAST_N_QUARTERS', 'NEXT_N_QUARTERS', 'N_QUARTERS_AGO', 'LAST_N_YEARS',
  'NEXT_N_YEARS', 'N_YEARS_AGO', 'LAST_N_FISCAL_QUARTERS', 'NEXT_N_FISCAL_QUARTERS', 'N_FISCAL_QUARTERS_AGO',
  'LAST_N_FISCAL_YEARS', 'NEXT_N_FISCAL_YEARS', 'N_FISCAL_YEARS_AGO',
]);

/**
 * The UTC range a relative date literal stands for, per Salesforce's "Date Formats and Date Literals"
 * table. Weeks start on Sunday (the en_US locale); the fiscal year is the calendar year (Salesforce's
 * default fiscal year starts in January). `n` is required for the `_N_` literals.
 */
export function dateLiteralRange(literal: string, n: number | undefined, now: Date): TimeRange {
  const name = literal.toUpperCase().replace('_FISCAL', '');
  const isN = N_LITERALS.has(literal.toUpperCase());
  if (!isN && !FIXED_LITERALS.has(literal.toUpperCase())) throw new LiteralError(`unknown date literal ${literal}`);
  if (isN && (n === undefined || !Number.isInteger(n) || n < 0)) throw new LiteralError(`invalid date literal ${literal}`);
  const y = now.getUTCFullYear();
  const mo = now.getUTCMonth();
  const today = Date.UTC(y, mo, now.getUTCDate());
  const week = today - new Date(today).getUTCDay() * DAY;
  const month = (k: number) => Date.UTC(y, mo + k, 1);
  const q0 = mo - (mo % 3);
  const quarter = (k: number) => Date.UTC(y, q0 + 3 * k, 1);
  const year = (k: number) => Date.UTC(y + k, 0, 1);
  const k = n ?? 0;
  const r = (start: number, end: number): TimeRange => ({ start, end });
  switch (name) {
    case 'YESTERDAY': return r(today - DAY, today);
    case 'TODAY': return r(today, today + DAY);
    case 'TOMORROW': return r(today + DAY, today + 2 * DAY);
    case 'LAST_WEEK': return r(week - 7 * DAY, week);
    case 'THIS_WEEK': return r(week, week + 7 * DAY);
    case 'NEXT_WEEK': return r(week + 7 * DAY, week + 14 * DAY);
    case 'LAST_MONTH': return r(month(-1), month(0));
    case 'THIS_MONTH': return r(month(0), month(1));
    case 'NEXT_MONTH': return r(month(1), month(2));
    // "includes the current day": LAST_90_DAYS and LAST_N_DAYS:n cover n + 1 days ending tonight.
    case 'LAST_90_DAYS': return r(today - 90 * DAY, today + DAY);
    case 'NEXT_90_DAYS': return r(today + DAY, today + 91 * DAY);
    case 'THIS_QUARTER': return r(quarter(0), quarter(1));
    case 'LAST_QUARTER': return r(quarter(-1), quarter(0));
    case 'NEXT_QUARTER': return r(quarter(1), quarter(2));
    case 'THIS_YEAR': return r(year(0), year(1));
    case 'LAST_YEAR': return r(year(-1), year(0));
    case 'NEXT_YEAR': return r(year(1), year(2));
    case 'LAST_N_DAYS': return r(today - k * DAY, today + DAY);
    case 'NEXT_N_DAYS': return r(today + DAY, today + (k + 1) * DAY);
    case 'N_DAYS_AGO': return r(today - k * DAY, today - (k - 1) * DAY);
    case 'LAST_N_WEEKS': return r(week - 7 * k * DAY, week);
    case 'NEXT_N_WEEKS': return r(week + 7 * DAY, week + 7 * (k + 1) * DAY);
    case 'N_WEEKS_AGO': return r(week - 7 * k * DAY, week - 7 * (k - 1) * DAY);
    case 'LAST_N_MONTHS': return r(month(-k), month(0));
    case 'NEXT_N_MONTHS': return r(month(1), month(k + 1));
    case 'N_MONTHS_AGO': return r(month(-k), month(-k + 1));
    case 'LAST_N_QUARTERS': return r(quarter(-k), quarter(0));
    case 'NEXT_N_QUARTERS': return r(quarter(1), quarter(k + 1));
    case 'N_QUARTERS_AGO': return r(quarter(-k), quarter(-k + 1));
    case 'LAST_N_YEARS': return r(year(-k), year(0));
    case 'NEXT_N_YEARS': return r(year(1), year(k + 1));
    case 'N_YEARS_AGO': return r(year(-k), year(-k + 1));
    default: throw new LiteralError(`unknown date literal ${literal}`);
  }
}

/** Salesforce's REST rendering of a datetime: `2026-11-28T10:00:00.000+0000`. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
