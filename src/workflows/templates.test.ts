import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate, TemplateError } from './templates.ts';

describe('renderTemplate', () => {
  it('renders data-model fields and the default filter', async () => {
    const t = "Hi {{ first_name }}, {{ salesforce_assigned_sales_rep_name | default: 'our team' }} will follow up.";
    expect(await renderTemplate(t, { first_name: 'Ada', salesforce_assigned_sales_rep_name: 'Sam' })).toBe('Hi Ada, Sam will follow up.');
    expect(await renderTemplate(t, { first_name: 'Ada' })).toBe('Hi Ada, our team will follow up.');
  });

  it('renders a missing field as empty', async () => {
    expect(await renderTemplate('[{{ nothing }}]', {})).toBe('[]');
  });

  it('supports conditionals and filters', async () => {
    expect(await renderTemplate('{% if vip %}VIP {% endif %}{{ company | upcase }}', { vip: true, company: 'acme' })).toBe('VIP ACME');
  });

  it('reports a syntax error with its line and column', () => {
    try {
      parseTemplate('Hello\n{{ first_name ');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).line).toBe(2);
      expect((error as TemplateError).column).toBeGreaterThan(0);
    }
  });

  it('reports an unknown filter as a template error', async () => {
    await expect(renderTemplate('{{ a | shout }}', { a: 1 })).rejects.toBeInstanceOf(TemplateError);
  });

  it('refuses include/render of files', async () => {
    await expect(renderTemplate("{% include 'package.json' %}", {})).rejects.toBeInstanceOf(TemplateError);
  });
});
