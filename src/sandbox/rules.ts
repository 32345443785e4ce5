/** Validation and duplicate rules defined through the control API, per sObject type. */

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

export class Rules {
  validation = new Map<string, ValidationRule[]>();
  duplicate = new Map<string, DuplicateRule[]>();

  validationFor(type: string): ValidationRule[] {
    return this.validation.get(type.toLowerCase()) ?? [];
  }

  duplicateFor(type: string): DuplicateRule[] {
    return this.duplicate.get(type.toLowerCase()) ?? [];
  }

  clear(): void {
    this.validation.clear();
    this.duplicate.clear();
  }
}
