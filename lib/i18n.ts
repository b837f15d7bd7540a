import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Lang } from '../domain/ticket-types';
import { projectRoot } from './project-root';

export const LANGS: readonly Lang[] = ['zh-CN', 'en'];
export const DEFAULT_LANG: Lang = 'zh-CN';

export type Dictionary = Readonly<Record<string, string>>;
export type Translate = (key: string, vars?: Record<string, unknown>) => string;

const text = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';

export const isLang = (value: unknown): value is Lang => LANGS.includes(value as Lang);

/** Loads the page dictionaries (`templates/i18n/<lang>.json`) once. */
export function loadDictionaries(
  dir = path.join(projectRoot(), 'templates', 'i18n'),
): Record<Lang, Dictionary> {
  const load = (lang: Lang) => JSON.parse(readFileSync(path.join(dir, `${lang}.json`), 'utf8')) as Dictionary;
  return { 'zh-CN': load('zh-CN'), en: load('en') };
}

/** A translator for one language: `{name}` placeholders are filled from vars; a missing key shows the key itself. */
export function translator(dictionaries: Record<Lang, Dictionary>, lang: Lang): Translate {
  const dict = dictionaries[lang];
  return (key, vars = {}) =>
    (dict[key] ?? dictionaries[DEFAULT_LANG][key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in vars ? text(vars[name]) : whole,
    );
}

/**
 * The page language: an explicit choice (query or remembered cookie) wins; otherwise the first zh or en
 * tag in Accept-Language; otherwise zh-CN.
 */
export function pickLang(choice: unknown, remembered: unknown, acceptLanguage: string | undefined): Lang {
  if (isLang(choice)) return choice;
  if (isLang(remembered)) return remembered;
  const tags = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())).find((m) => m != null);
      return { tag, q: q ? Number(q[1]) : 1 };
    })
    .filter((entry) => entry.tag !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return DEFAULT_LANG;
}
