import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { DEFAULT_LANG, pickLang, translator } from '../../lib/i18n';
import { projectRoot } from '../../lib/project-root';
import { provideCsrfToken } from '../http/csrf';
import type { ApiDeps } from '../deps';
import { AppError } from '../http/errors';
import { loadSession } from '../auth/session';
import { textGuard } from '../http/text-guard';
import { pageT, type PageDeps } from './context';
import { locationPages } from './location-pages';
import { managePages } from './manage-pages';
import { reportPages } from './report-pages';
import { staffPages } from './staff-pages';
import { trackingPages } from './tracking-pages';
import { createPageRenderer } from './view';

const PAGE_PREFIXES = ['/r', '/t', '/staff', '/manage'];
const LANG_COOKIE = 'echodesk_lang';

/** `?lang=` switches and is remembered in a cookie; otherwise the cookie, Accept-Language, then zh-CN. */
function chooseLanguage(dictionaries: ReturnType<typeof createPageRenderer>['dictionaries']): RequestHandler {
  return (req, res, next) => {
    const cookies = req.cookies as Record<string, unknown>;
    const lang = pickLang(req.query.lang, cookies[LANG_COOKIE], req.get('accept-language'));
    if (req.query.lang === lang && cookies[LANG_COOKIE] !== lang) {
      res.cookie(LANG_COOKIE, lang, {
        maxAge: 365 * 24 * 3600 * 1000,
        sameSite: 'lax',
        httpOnly: true,
        path: '/',
      });
    }
    const other = lang === DEFAULT_LANG ? 'en' : DEFAULT_LANG;
    const url = new URL(req.originalUrl, 'http://local');
    url.searchParams.set('lang', other);
    url.searchParams.delete('done');
    res.locals.lang = lang;
    res.locals.t = translator(dictionaries, lang);
    res.locals.langSwitch = {
      href: `${url.pathname}${url.search}`,
      label: other === 'en' ? 'English' : '中文',
    };
    next();
  };
}

/** The server-rendered pages: scan-to-report, tracking, the staff console and the manager views. */
export function pagesRouter(deps: ApiDeps): Router {
  const { render, dictionaries, formatTime } = createPageRenderer({
    timezone: deps.policy.calendar.timezone,
  });
  const pageDeps: PageDeps = { ...deps, render, formatTime };
  const router = Router();
  router.use(
    '/static',
    express.static(path.join(projectRoot(), 'public'), {
      maxAge: '1h',
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
  );
  router.get('/', (_req, res) => res.redirect(302, '/staff'));
  router.use(
    PAGE_PREFIXES,
    cookieParser(deps.config.secret),
    chooseLanguage(dictionaries),
    textGuard,
    provideCsrfToken(deps.config),
    loadSession(deps.pool, deps.config),
  );
  router.use(reportPages(pageDeps));
  router.use(trackingPages(pageDeps));
  router.use(staffPages(pageDeps));
  router.use(managePages(pageDeps));
  router.use(locationPages(pageDeps));
  const notFound: RequestHandler = (_req, _res, next) => next(AppError.notFound('No such page.'));
  router.use(PAGE_PREFIXES, notFound);
  const pageError: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (res.headersSent || typeof res.locals.t !== 'function') return next(err);
    const status = err instanceof AppError ? err.status : 500;
    if (status >= 500) req.log.error({ err }, 'page failed');
    const t = pageT(res);
    if (err instanceof AppError && err.status === 429) {
      const seconds = err.retryAfterSeconds ?? 60;
      res.set('Retry-After', String(seconds));
      const text = t('limit.text', { minutes: Math.ceil(seconds / 60) });
      return render(res, 'message', { title: t('limit.title'), text }, 429);
    }
    const key = [400, 401, 403, 404, 409, 422, 503].includes(status) ? String(status) : '500';
    // A 400 names the fields it refused (the text rule's), so the person knows what to retype.
    const fields = err instanceof AppError && status === 400 ? (err.errors ?? []).map((e) => e.field) : [];
    const text = t(`error.${key}.text`) + (fields.length > 0 ? ` (${[...new Set(fields)].join(', ')})` : '');
    render(res, 'message', { title: t(`error.${key}.title`), text }, status);
  };
  router.use(PAGE_PREFIXES, pageError);
  return router;
}
