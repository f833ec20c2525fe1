/**
 * The pages bench's template-string reference (bench/pages-reference.ts): the same markup as the
 * route's components, built by string concatenation. null for a page without a template.
 */
export type TemplateInput = {
  t: (key: string, options?: Record<string, unknown>) => string;
  lng: string;
  rootData: unknown;
  pageData: unknown;
  url: URL;
  meta: { title?: string; name?: string; content?: string }[];
  stylesheets: string[];
  bundles: () => { ns: string; href: string }[];
};

export function templatePage(_routeId: string, _input: TemplateInput): string | null {
  return null;
}
