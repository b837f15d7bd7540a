import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { NOTIFICATION_TEMPLATES, type NotificationTemplate } from '../domain/notification-plan';
import type { EventActor, Lang, PublicStaff } from '../domain/ticket-types';
import { projectRoot } from './project-root';

/** What every notification template may use; each template uses the parts that fit its event. */
export interface NotificationVars {
  recipientName: string;
  number: string;
  category: string;
  place: string;
  description: string;
  actor: EventActor | null;
  holder: PublicStaff | null;
  owner: PublicStaff | null;
  data: Record<string, unknown>;
  deadlines: { respond: string | null; resolve: string | null };
  url: string;
}

export interface RenderedMessage {
  subject: string;
  body: string;
}

export type NotificationRenderer = (
  template: NotificationTemplate,
  lang: Lang,
  vars: NotificationVars,
) => RenderedMessage;

const LANGS: readonly Lang[] = ['zh-CN', 'en'];

function createHandlebars(timezone: string): typeof Handlebars {
  const hbs = Handlebars.create();
  const formatters = new Map(
    LANGS.map((lang) => [
      lang,
      new Intl.DateTimeFormat(lang, { timeZone: timezone, dateStyle: 'medium', timeStyle: 'short' }),
    ]),
  );
  hbs.registerHelper('time', function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
    const lang = (options.data as { root?: { lang?: Lang } }).root?.lang ?? 'zh-CN';
    if (typeof value !== 'string' && typeof value !== 'number') return '';
    return formatters.get(lang)?.format(new Date(value)) ?? String(value);
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return hbs;
}

/** Loads and compiles every notification template in both languages once; a missing file fails at start, not at send. */
export function createNotificationRenderer(options: {
  timezone: string;
  dir?: string;
}): NotificationRenderer {
  const dir = options.dir ?? path.join(projectRoot(), 'templates', 'notifications');
  const hbs = createHandlebars(options.timezone);
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  for (const lang of LANGS) {
    for (const name of NOTIFICATION_TEMPLATES) {
      const source = readFileSync(path.join(dir, lang, `${name}.hbs`), 'utf8');
      // Messages are plain text, not HTML: escaping would corrupt names like O'Brien. Pages that show them escape them.
      compiled.set(`${lang}/${name}`, hbs.compile(source, { noEscape: true }));
    }
  }
  return (template, lang, vars) => {
    const render = compiled.get(`${lang}/${template}`);
    if (!render) throw new Error(`No template ${lang}/${template}`);
    return splitSubject(render({ ...vars, lang }));
  };
}

/** A template's first line is `Subject: …`; the rest, trimmed, is the body. */
function splitSubject(text: string): RenderedMessage {
  const [first, ...rest] = text.replace(/^\s+/, '').split('\n');
  const subject = first.replace(/^Subject:\s*/i, '').trim();
  return { subject, body: rest.join('\n').trim() + '\n' };
}
