/**
 * Failures injected through `/__sandbox/faults`: errors Salesforce really returns under load or
 * outage, added latency, and a connection dropped after the write was committed. Probabilities
 * draw from a seeded generator so a test run is reproducible.
 */
import { SalesforceError } from './interfaces.ts';
import { seededRandom } from './random.ts';

export const FAULT_KINDS = ['UNABLE_TO_LOCK_ROW', 'REQUEST_LIMIT_EXCEEDED', 'SERVER_UNAVAILABLE', 'INVALID_SESSION_ID', 'DROP_AFTER_COMMIT', 'LATENCY'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  match?: { method?: string; path?: string; object?: string };
  error: FaultKind;
  latency_ms?: number;
  probability?: number;
  count?: number;
}

interface ActiveFault {
  spec: FaultSpec;
  path?: RegExp;
  remaining: number;
}

export interface FaultDecision {
  latencyMs: number;
  fault?: FaultKind;
}


export class Faults {
  private active: ActiveFault[] = [];
  private random = seededRandom(42);

  /** Validates and adds faults; throws a 400 on a malformed definition. */
  add(specs: unknown): number {
    if (!Array.isArray(specs)) throw new SalesforceError(400, 'INVALID_FAULT', 'body must be {"faults": [...]}');
    const parsed: ActiveFault[] = [];
    for (const s of specs as FaultSpec[]) {
      if (!s || !FAULT_KINDS.includes(s.error)) throw new SalesforceError(400, 'INVALID_FAULT', `unknown fault error: ${String(s?.error)}; expected one of ${FAULT_KINDS.join(', ')}`);
      let path: RegExp | undefined;
      try {
        path = s.match?.path ? new RegExp(s.match.path) : undefined;
      } catch (e) {
        throw new SalesforceError(400, 'INVALID_FAULT', `invalid path regex: ${(e as Error).message}`);
      }
      parsed.push({ spec: s, path, remaining: s.count ?? Infinity });
    }
    this.active.push(...parsed);
    return this.active.length;
  }

  clear(): void {
    this.active = [];
    this.random = seededRandom(42);
  }

  list(): FaultSpec[] {
    return this.active.map((f) => ({ ...f.spec, count: Number.isFinite(f.remaining) ? f.remaining : undefined }));
  }

  /**
   * The latency and the (first) error fault that apply to one request; consumes their counts. A
   * fault's `path` is tested against `paths`: the request's URL, and a composite's subrequest URLs
   * (a fault on `composite/sobjects` or `query` applies to a composite that carries one).
   */
  decide(method: string, paths: readonly string[], objects: () => string[]): FaultDecision {
    const out: FaultDecision = { latencyMs: 0 };
    if (!this.active.length) return out;
    let objs: string[] | undefined;
    for (const f of this.active) {
      if (f.remaining <= 0) continue;
      const m = f.spec.match ?? {};
      if (m.method && m.method.toUpperCase() !== method.toUpperCase()) continue;
      if (f.path && !paths.some((p) => f.path!.test(p))) continue;
      if (m.object) {
        objs ??= objects().map((o) => o.toLowerCase());
        if (!objs.includes(m.object.toLowerCase())) continue;
      }
      if (f.spec.error !== 'LATENCY' && out.fault) continue;
      if (f.spec.probability !== undefined && this.random() >= f.spec.probability) continue;
      f.remaining--;
      if (f.spec.error === 'LATENCY') out.latencyMs += f.spec.latency_ms ?? 0;
      else out.fault = f.spec.error;
    }
    this.active = this.active.filter((f) => f.remaining > 0);
    return out;
  }
}

/** The error a fault answers with, as Salesforce sends it. */
export function faultError(kind: FaultKind, recordIds: string[] = []): SalesforceError {
  switch (kind) {
    case 'UNABLE_TO_LOCK_ROW':
      return new SalesforceError(400, 'UNABLE_TO_LOCK_ROW', lockMessage(recordIds));
    case 'REQUEST_LIMIT_EXCEEDED':
      return new SalesforceError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    case 'SERVER_UNAVAILABLE':
      return new SalesforceError(503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable. Please try again later.');
    case 'INVALID_SESSION_ID':
      return new SalesforceError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    default:
      throw new Error(`${kind} is not an error response`);
  }
}

export function lockMessage(ids: string[]): string {
  return `unable to obtain exclusive access to this record or ${Math.max(ids.length, 1)} records${ids.length ? ': ' + ids.join(',') : ''}`;
}
