/**
 * The developer documentation, rendered from the repository's own `docs/` (one source for GitHub
 * and the site). Only the pages listed here are served; links between them become site links.
 * The Markdown is ours, read once at start; no page can name a file to read.
 */
import { readFileSync } from 'node:fs';
import { Marked } from 'marked';

/** Page slug → file in docs/. */
export const DOC_PAGES = {
  sdk: 'sdk.md',
  'export-format': 'export-format.md',
  errors: 'errors.md',
  webhooks: 'webhooks.md',
  'formats-fhir': 'formats-fhir.md',
  'formats-mhb': 'formats-mhb.md',
  audit: 'audit.md',
} as const;

export type DocSlug = keyof typeof DOC_PAGES;

export interface DocPage {
  slug: DocSlug;
  title: string;
  html: string;
}

/** `docs/` beside `packages/`: three levels above this file in `src/public/` and in `dist/public/`. */
const DOCS = new URL('../../../../docs/', import.meta.url);

const slugOf = new Map<string, string>(Object.entries(DOC_PAGES).map(([slug, file]) => [file, slug]));

export function loadDocs(): Map<DocSlug, DocPage> {
  const marked = new Marked({ gfm: true });
  const pages = new Map<DocSlug, DocPage>();
  for (const [slug, file] of Object.entries(DOC_PAGES) as [DocSlug, string][]) {
    let text: string;
    try {
      text = readFileSync(new URL(file, DOCS), 'utf8');
    } catch {
      continue;
    }
    const title = /^# (.+)$/m.exec(text)?.[1]?.replace(/`/g, '') ?? slug;
    const rendered = marked.parse(text, { async: false });
    // Links to other served pages become site links; other repository paths stay as text.
    const html = rendered.replace(/href="([a-z0-9-]+\.md)(#[^"]*)?"/g, (whole, target: string, hash = '') => {
      const linked = slugOf.get(target);
      return linked ? `href="/docs/${linked}${hash}"` : whole;
    });
    pages.set(slug, { slug, title, html });
  }
  return pages;
}
