import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Response } from 'express';
import Handlebars from 'handlebars';
import type { Lang } from '../../domain/ticket-types';
import { loadDictionaries, type Dictionary, type Translate } from '../../lib/i18n';
import { projectRoot } from '../../lib/project-root';
import { callerOf } from '../http/caller';

/** Pages may load scripts, styles and images only from this site (photos and QR codes are same-origin or data:). */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export interface PageLocals {
  lang: Lang;
  t: Translate;
  csrfToken: string;
  langSwitch: { href: string; label: string };
}

export type RenderPage = (
  res: Response,
  page: string,
  model: Record<string, unknown>,
  status?: number,
) => void;

/**
 * Compiles every page once. Pages wrap themselves in `{{#> layout}}…{{/layout}}`, so no template ever needs
 * `{{{ }}}`: everything is HTML-escaped by Handlebars, user data included.
 */
export function createPageRenderer(options: { timezone: string; root?: string }): {
  render: RenderPage;
  dictionaries: Record<Lang, Dictionary>;
  formatTime: (lang: Lang, value: string | null | undefined) => string;
} {
  const root = options.root ?? path.join(projectRoot(), 'templates');
  const dictionaries = loadDictionaries(path.join(root, 'i18n'));
  const hbs = Handlebars.create();
  const formatter = timeFormatter(options.timezone);
  const formatTime = (_lang: Lang, value: string | null | undefined): string =>
    value ? formatParts(formatter, new Date(value)) : '';

  hbs.registerHelper('t', function (this: unknown, key: unknown, opts: Handlebars.HelperOptions) {
    const rootData = (opts.data as { root?: { t?: Translate } }).root;
    return rootData?.t ? rootData.t(String(key), opts.hash as Record<string, unknown>) : String(key);
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper(
    'includes',
    (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item),
  );

  for (const dir of ['layouts', 'partials']) {
    for (const file of readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.hbs'))) {
      hbs.registerPartial(path.basename(file, '.hbs'), readFileSync(path.join(root, dir, file), 'utf8'));
    }
  }
  const pages = new Map<string, Handlebars.TemplateDelegate>();
  for (const file of readdirSync(path.join(root, 'pages')).filter((f) => f.endsWith('.hbs'))) {
    pages.set(
      path.basename(file, '.hbs'),
      hbs.compile(readFileSync(path.join(root, 'pages', file), 'utf8'), { strict: false }),
    );
  }

  const render: RenderPage = (res, page, model, status = 200) => {
    const template = pages.get(page);
    if (!template) throw new Error(`No page template ${page}`);
    const locals = res.locals as Partial<PageLocals>;
    const html = template({
      lang: locals.lang,
      t: locals.t,
      csrfToken: locals.csrfToken,
      langSwitch: locals.langSwitch,
      me: callerOf(res).staff,
      ...model,
    });
    res
      .status(status)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': PAGE_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
      })
      .send(html);
  };
  return { render, dictionaries, formatTime };
}

function timeFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

/** "2026-11-27 14:05" in the desk's time zone, the same in both languages. */
function formatParts(formatter: Intl.DateTimeFormat, at: Date): string {
  const part = (type: string) => formatter.formatToParts(at).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}
