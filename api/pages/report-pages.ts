import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { isTrackingToken, trackingToken, trackingUrl } from '../../lib/tracking-token';
import { verifyCsrf } from '../http/csrf';
import { AppError } from '../http/errors';
import { placeName } from '../../domain/place';
import { findLocation } from '../locations/locations-service';
import { requestLimit } from '../http/rate-limits';
import { NewTicketBody, RequesterInput, TicketNumber } from '../tickets/schemas';
import { categoryFitsPlace, submitTicket } from '../tickets/submit-ticket';
import { insertPhoto } from '../../db/repositories/photos';
import { checkPhoto, photoUpload } from '../tickets/uploads';
import { field, formBody, labelOr, pageLang, pageT, type PageDeps } from './context';
import { listCategories, type CategoryRow } from '../../db/repositories/categories';
import { addFollower } from '../../db/repositories/followers';
import { openTicketsAt } from '../../db/repositories/queues';

/** Form body of "me too" (POST /r/:code/follow/:number). */
export const FollowForm = z.object({
  name: RequesterInput.shape.name,
  phone: RequesterInput.shape.phone,
  email: RequesterInput.shape.email,
});

type FormValues = Record<'category' | 'description' | 'name' | 'phone' | 'email', string>;
type FieldErrors = Partial<Record<keyof FormValues | 'photo' | 'form', string>>;

const EMPTY_FORM: FormValues = { category: '', description: '', name: '', phone: '', email: '' };

/** A per-address limit for a public form (api/http/rate-limits.ts); over it, the pages answer 429 with a page. */
export function publicFormLimit(deps: PageDeps, name: string, perMinute: number) {
  return requestLimit(deps.pool, name, deps.config.NODE_ENV === 'production' ? perMinute : 10_000);
}

/** The categories offered at this kind of place, as the API accepts them (`categoryFitsPlace`); `other` last. */
function categoryChoices(categories: CategoryRow[], kind: string, lang: string, chosen: string) {
  const fits = categories.filter((c) => categoryFitsPlace(c.placeKinds, kind));
  return [...fits.filter((c) => c.code !== 'other'), ...fits.filter((c) => c.code === 'other')].map((c) => ({
    code: c.code,
    name: lang === 'en' ? c.nameEn : c.name,
    checked: c.code === chosen,
  }));
}

export function reportPages(deps: PageDeps): Router {
  const router = Router();
  const submitLimit = publicFormLimit(deps, 'form-report', 20);
  const followLimit = publicFormLimit(deps, 'form-follow', 20);

  async function showForm(
    req: Request,
    res: Response,
    values = EMPTY_FORM,
    errors: FieldErrors = {},
    status = 200,
  ) {
    const code = String(req.params.code ?? '').toUpperCase();
    const location = /^[A-Z0-9][A-Z0-9-]{1,39}$/.test(code) ? await findLocation(deps.pool, code) : undefined;
    const t = pageT(res);
    if (!location) return deps.render(res, 'report-unknown', { code: req.params.code }, 404);
    if (!location.active) return deps.render(res, 'report-inactive', { place: placeName(location) }, 410);
    const lang = pageLang(res);
    const [categories, open] = await Promise.all([
      listCategories(deps.pool),
      openTicketsAt(deps.pool, location.code),
    ]);
    deps.render(
      res,
      'report',
      {
        title: t('report.title'),
        location,
        kindName: labelOr(t, `kind.${location.kind}`, location.kind),
        categories: categoryChoices(categories, location.kind, lang, values.category),
        open: open.map((ticket) => ({
          number: ticket.number,
          category: ticket.view.categoryName[lang],
          description:
            ticket.description.length > 120 ? `${ticket.description.slice(0, 120)}…` : ticket.description,
          time: deps.formatTime(lang, ticket.submittedAt),
          status: t(`status.${ticket.status}`),
        })),
        values,
        errors,
        submissionId: randomBytes(12).toString('base64url'),
      },
      status,
    );
  }

  router.get('/r/:code', (req, res) => showForm(req, res));

  router.post('/r/:code', submitLimit, photoUpload('photo'), verifyCsrf(deps.config), async (req, res) => {
    const values: FormValues = {
      category: field(req.body, 'category'),
      description: field(req.body, 'description'),
      name: field(req.body, 'name'),
      phone: field(req.body, 'phone'),
      email: field(req.body, 'email'),
    };
    const t = pageT(res);
    const uploadError = res.locals.uploadError as string | undefined;
    if (uploadError)
      return showForm(req, res, values, { photo: t(`report.error.photo_${uploadError}`) }, 422);
    const body = {
      locationCode: String(req.params.code),
      category: values.category,
      description: values.description,
      requester: {
        name: values.name,
        ...(values.phone ? { phone: values.phone } : {}),
        ...(values.email ? { email: values.email } : {}),
        lang: pageLang(res),
      },
    };
    const parsed = NewTicketBody.safeParse(body);
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const name = String(issue.path[issue.path.length - 1] ?? 'form') as keyof FieldErrors;
        errors[name in EMPTY_FORM ? name : 'form'] ??= t(
          `report.error.${name in EMPTY_FORM ? name : 'form'}`,
        );
      }
      return showForm(req, res, values, errors, 422);
    }
    let photo;
    try {
      photo = checkPhoto(req.file);
    } catch {
      return showForm(req, res, values, { photo: t('report.error.photo_invalid') }, 422);
    }
    const submission = field(req.body, '_submission');
    let result;
    try {
      result = await submitTicket(deps, parsed.data, {
        idempotencyKey: /^[\w-]{8,64}$/.test(submission) ? `form-${submission}` : undefined,
      });
    } catch (err) {
      if (err instanceof AppError && err.status < 500) {
        const name = err.errors?.[0]?.field === 'category' ? 'category' : 'form';
        return showForm(req, res, values, { [name]: t(`report.error.${name}`) }, err.status);
      }
      throw err;
    }
    const { receipt, replayed } = result;
    if (photo && !replayed) await insertPhoto(deps.pool, receipt.number, photo);
    res.redirect(303, `/t/${receipt.number}/receipt?token=${receipt.trackingToken}`);
  });

  router.post('/r/:code/follow/:number', followLimit, formBody, verifyCsrf(deps.config), async (req, res) => {
    const t = pageT(res);
    const number = TicketNumber.safeParse(req.params.number);
    const location = await findLocation(deps.pool, String(req.params.code));
    if (!number.success || !location) throw AppError.notFound('No such ticket at this place.');
    const open = await openTicketsAt(deps.pool, location.code);
    const ticket = open.find((o) => o.number === number.data);
    if (!ticket) {
      return deps.render(
        res,
        'message',
        { title: t('follow.closed_title'), text: t('follow.closed_text'), back: `/r/${location.code}` },
        409,
      );
    }
    const contact = FollowForm.safeParse({
      name: field(req.body, 'name'),
      phone: field(req.body, 'phone') || undefined,
      email: field(req.body, 'email') || undefined,
    });
    if (!contact.success) {
      return deps.render(
        res,
        'message',
        { title: t('follow.invalid_title'), text: t('follow.invalid_text'), back: `/r/${location.code}` },
        422,
      );
    }
    await addFollower(deps.pool, ticket.number, { ...contact.data, lang: pageLang(res) });
    deps.render(res, 'followed', {
      title: t('follow.done_title'),
      number: ticket.number,
      place: placeName(location),
      notified: contact.data.email != null,
      back: `/r/${location.code}`,
    });
  });

  router.get('/t/:number/receipt', async (req, res) => {
    const number = parseNumber(req);
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!isTrackingToken(deps.config.secret, number, token))
      throw AppError.forbidden('The tracking link is not valid.');
    const url = trackingUrl(deps.config.publicUrl, deps.config.secret, number);
    deps.render(res, 'receipt', {
      title: pageT(res)('receipt.title'),
      number,
      trackingHref: `/t/${number}?token=${trackingToken(deps.config.secret, number)}`,
      trackingUrl: url,
      qr: await QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 1, width: 240 }),
    });
  });

  return router;
}

export function parseNumber(req: Request): string {
  const parsed = TicketNumber.safeParse(req.params.number);
  if (!parsed.success) throw AppError.notFound('No such ticket.');
  return parsed.data;
}
