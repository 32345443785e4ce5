import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generateApiTypes, TYPES_FILE } from '../../scripts/api-types.ts';

describe('the web UI’s API types', () => {
  it('are what the server’s OpenAPI document says today (run `npm run api-types` after changing an API schema)', async () => {
    const committed = await readFile(TYPES_FILE, 'utf8');
    expect(committed === (await generateApiTypes()), 'src/web/app/api/openapi.d.ts is stale: run `npm run api-types`').toBe(true);
  });
});
