/**
 * Salesforce record ids: 15 case-sensitive characters, plus a 3-character suffix that encodes the
 * case of the first 15 so the 18-character form survives case-insensitive systems (spreadsheets, SOQL).
 */

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_15 = /^[a-zA-Z0-9]{15}$/;
const ID_18 = /^[a-zA-Z0-9]{18}$/;

/** The 3-character case-safe suffix for a 15-character id. */
export function checksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

/**
 * The canonical 18-character form of a 15- or 18-character id, or undefined when it is not an id.
 * The suffix decides the case of the first 15 characters (that is its purpose), so an 18-character
 * id in the wrong case is repaired from it; a suffix outside the alphabet is not an id.
 */
export function normalizeId(id: string): string | undefined {
  if (ID_15.test(id)) return id + checksum(id);
  if (!ID_18.test(id)) return undefined;
  const suffix = id.slice(15).toUpperCase();
  let fixed = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX_ALPHABET.indexOf(suffix[chunk]);
    if (bits < 0) return undefined;
    for (let i = 0; i < 5; i++) {
      const ch = id[chunk * 5 + i];
      fixed += bits & (1 << i) ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  // A suffix that marks a digit as upper-case cannot have come from a real id.
  if (checksum(fixed) !== suffix) return undefined;
  return fixed + suffix;
}

/** True when the string has an id's shape (15 or 18 alphanumerics with a valid suffix). */
export function isValidId(id: string): boolean {
  return normalizeId(id) !== undefined;
}

/** Generates sequential ids for one key prefix, e.g. `00Q5g00000000001AAA`. */
export class IdGenerator {
  private counters = new Map<string, number>();

  constructor(private readonly pod = '5g') {}

  next(keyPrefix: string): string {
    const n = (this.counters.get(keyPrefix) ?? 0) + 1;
    this.counters.set(keyPrefix, n);
    return makeId(keyPrefix, this.pod, n);
  }
}

/** An 18-character id from a key prefix, a 2-character pod and a sequence number. */
export function makeId(keyPrefix: string, pod: string, n: number): string {
  let body = '';
  let v = n;
  while (v > 0) {
    body = BASE62[v % 62] + body;
    v = Math.floor(v / 62);
  }
  const id15 = keyPrefix + pod + body.padStart(15 - keyPrefix.length - pod.length, '0');
  return id15 + checksum(id15);
}
