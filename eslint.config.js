import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', '.leadsync/', 'coverage/', 'dist/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'off',
    },
  },
  {
    // The web UI (a browser app): it talks to LeadSync only through the public API (api/client.ts).
    files: ['src/web/app/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/api/*.ts', '../../**', '**/db/**', '**/sync/**', '**/salesforce/**', '**/workflows/**', '**/leads/**', '**/sandbox/**', '**/config/**'] }],
    },
  },
  {
    files: ['bin/**/*.js', 'bench/**/*.js', 'src/db/**/*.js', 'scripts/**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // Wall 1 of docs/architecture.md: the sandbox is a separate Salesforce; it never imports product code.
    files: ['src/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/api/**', '**/db/**', '**/sync/**', '**/salesforce/**', '**/workflows/**', '**/web/**', '**/config/**'] }],
    },
  },
  {
    // ...and product code never imports the sandbox; only src/cli and tests start it.
    files: ['src/api/**/*.ts', 'src/db/**/*.ts', 'src/sync/**/*.ts', 'src/salesforce/**/*.ts', 'src/workflows/**/*.ts', 'src/web/**/*.ts', 'src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/sandbox/**'] }],
    },
  },
);
