/**
 * Workflow conditions: `{"all" | "any": [{field, op, value?}]}` over a lead's field values. Pure.
 * String comparisons ignore case (emails, names and picklist-like values are compared as a person
 * reads them); `gt`/`lt` compare numbers, or dates/date-times as instants.
 */
export const CONDITION_OPS = ['equals', 'not_equals', 'contains', 'starts_with', 'in', 'gt', 'lt', 'is_set', 'is_not_set'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];
export type Scalar = string | number | boolean;

export interface Condition {
  field: string;
  op: ConditionOp;
  value?: Scalar | Scalar[] | null;
}

export type Conditions = { all: Condition[] } | { any: Condition[] };

type Values = Readonly<Record<string, unknown>>;

const isSet = (v: unknown) => v !== undefined && v !== null && v !== '';
const fold = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '') return a === Number(b);
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b.toLowerCase();
  return a === b;
}

/** A number, or an instant for ISO dates, for ordering comparisons. */
function ordinal(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (/^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
    if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
      const t = Date.parse(v);
      return Number.isNaN(t) ? undefined : t;
    }
  }
  return undefined;
}

export function evaluateCondition(condition: Condition, values: Values): boolean {
  const actual = values[condition.field];
  const expected = condition.value;
  switch (condition.op) {
    case 'is_set':
      return isSet(actual);
    case 'is_not_set':
      return !isSet(actual);
    case 'equals':
      return isSet(actual) && same(actual, expected);
    case 'not_equals':
      return !isSet(actual) || !same(actual, expected);
    case 'contains':
      return isSet(actual) && String(fold(actual)).includes(String(fold(expected)));
    case 'starts_with':
      return isSet(actual) && String(fold(actual)).startsWith(String(fold(expected)));
    case 'in':
      return isSet(actual) && Array.isArray(expected) && expected.some((e) => same(actual, e));
    case 'gt':
    case 'lt': {
      const a = ordinal(actual);
      const b = ordinal(expected);
      if (a === undefined || b === undefined) return false;
      return condition.op === 'gt' ? a > b : a < b;
    }
  }
}

/** `all`: every condition holds (true for none); `any`: at least one holds. */
export function evaluateConditions(conditions: Conditions, values: Values): boolean {
  if ('all' in conditions) return conditions.all.every((c) => evaluateCondition(c, values));
  return conditions.any.some((c) => evaluateCondition(c, values));
}
