/** API usage counters: `api_calls` is what counts against the daily limit; `by_kind` also counts OAuth. */

export const KINDS = ['query', 'collections', 'composite', 'sobject', 'describe', 'bulk', 'oauth'] as const;
export type Kind = (typeof KINDS)[number];

export class Stats {
  apiCalls = 0;
  byKind: Record<Kind, number> = Stats.zero();

  private static zero(): Record<Kind, number> {
    return Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  }

  count(kind: Kind): void {
    this.byKind[kind]++;
    if (kind !== 'oauth') this.apiCalls++;
  }

  reset(): void {
    this.apiCalls = 0;
    this.byKind = Stats.zero();
  }

  toJSON(): { api_calls: number; by_kind: Record<Kind, number> } {
    return { api_calls: this.apiCalls, by_kind: { ...this.byKind } };
  }
}
