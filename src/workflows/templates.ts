/**
 * Liquid templates for personalization and workflow actions (liquidjs). Every data-model field is a
 * variable; a missing one renders empty, so `default` works as in Shopify's Liquid.
 */
import { Liquid, type Template } from 'liquidjs';

const engine = new Liquid({
  strictVariables: false,
  strictFilters: true,
  // Templates come from customers: no file system access, bounded work.
  templates: {},
  parseLimit: 100_000,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
  cache: 500,
});

export class TemplateError extends Error {
  constructor(
    message: string,
    public readonly line: number | undefined,
    public readonly column: number | undefined,
  ) {
    super(message);
  }
}

function toTemplateError(error: unknown): TemplateError {
  const e = error as { message?: string; token?: { getPosition?: () => [number, number] } };
  const position = e.token?.getPosition?.();
  const message = (e.message ?? String(error)).replace(/, line:\d+, col:\d+$/, '');
  return new TemplateError(message, position?.[0], position?.[1]);
}

const parsed = new Map<string, Template[]>();

/** Parses (cached); throws TemplateError with the position of the problem. */
export function parseTemplate(source: string): Template[] {
  let templates = parsed.get(source);
  if (!templates) {
    try {
      templates = engine.parse(source);
    } catch (error) {
      throw toTemplateError(error);
    }
    if (parsed.size > 1000) parsed.clear();
    parsed.set(source, templates);
  }
  return templates;
}

export async function renderTemplate(source: string, variables: Record<string, unknown>): Promise<string> {
  const templates = parseTemplate(source);
  try {
    return String(await engine.render(templates, variables));
  } catch (error) {
    throw toTemplateError(error);
  }
}
