/** Validation, duplicate and assignment rules defined through the control API, per sObject type. */

export interface ValidationRule {
  name: string;
  field: string;
  condition: 'equals' | 'blank';
  value?: unknown;
  message: string;
}

export interface DuplicateRule {
  name: string;
  fields: string[];
}

/**
 * One entry of an assignment rule: when `field` equals `equals` (case-insensitive; an entry without
 * `field` matches every record), the record goes to `owner_id` — or, with `owner_ids`, to each of
 * them in turn (round robin, the sandbox's addition).
 */
export interface AssignmentEntry {
  field?: string;
  equals?: string | number | boolean | null;
  owner_id?: string;
  owner_ids?: string[];
}

export interface AssignmentRule {
  active: boolean;
  entries: AssignmentEntry[];
}

export class Rules {
  validation = new Map<string, ValidationRule[]>();
  duplicate = new Map<string, DuplicateRule[]>();
  /** Lead assignment rules by type (lower-cased); only Lead has them in the sandbox. */
  assignment = new Map<string, AssignmentRule>();
  /** Round-robin position per entry (rule type + entry index). */
  private turns = new Map<string, number>();

  validationFor(type: string): ValidationRule[] {
    return this.validation.get(type.toLowerCase()) ?? [];
  }

  duplicateFor(type: string): DuplicateRule[] {
    return this.duplicate.get(type.toLowerCase()) ?? [];
  }

  setAssignment(type: string, rule: AssignmentRule): void {
    this.assignment.set(type.toLowerCase(), rule);
    for (const k of [...this.turns.keys()]) if (k.startsWith(`${type.toLowerCase()}:`)) this.turns.delete(k);
  }

  /**
   * The owner the active rule gives a record, or undefined when no rule is active or no entry
   * matches (the record keeps the owner it has). First matching entry wins.
   */
  assign(type: string, record: Record<string, unknown>, fieldName: (f: string) => string | undefined): string | undefined {
    const rule = this.assignment.get(type.toLowerCase());
    if (!rule?.active) return undefined;
    for (let i = 0; i < rule.entries.length; i++) {
      const e = rule.entries[i];
      if (e.field !== undefined) {
        const name = fieldName(e.field);
        const v = name ? record[name] : undefined;
        const want = e.equals ?? null;
        const blank = v === undefined || v === null || v === '';
        if (want === null || want === '' ? !blank : blank || String(v).toLowerCase() !== String(want).toLowerCase()) continue;
      }
      if (e.owner_ids?.length) {
        const key = `${type.toLowerCase()}:${i}`;
        const turn = this.turns.get(key) ?? 0;
        this.turns.set(key, turn + 1);
        return e.owner_ids[turn % e.owner_ids.length];
      }
      return e.owner_id;
    }
    return undefined;
  }

  clear(): void {
    this.validation.clear();
    this.duplicate.clear();
    this.assignment.clear();
    this.turns.clear();
  }
}
