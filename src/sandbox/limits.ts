/**
 * The org's daily API request allowance. Usage is the number of REST and Bulk calls since the last
 * reset (the sandbox's "day" lasts until a reset or a new limit, so tests control it).
 */
import { SalesforceError } from './interfaces.ts';

export class Limits {
  used = 0;
  constructor(public max: number) {}

  /** Counts one call, or refuses it once the allowance is spent (refused calls are not counted). */
  consume(): void {
    if (this.used >= this.max) throw new SalesforceError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    this.used++;
  }

  header(): string {
    return `api-usage=${this.used}/${this.max}`;
  }
}
