import type { ErrorRequestHandler, RequestHandler } from 'express';

export interface FieldError {
  field: string;
  message: string;
}

/** The one error type routes throw; the error middleware turns it into application/problem+json. */
export class AppError extends Error {
  /** Sent as Retry-After (429, 503). */
  retryAfterSeconds?: number;

  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
  }

  static badRequest(detail: string, errors?: FieldError[]) {
    return new AppError(400, 'Bad Request', detail, errors);
  }
  static unauthorized(detail = 'Sign in first: send Authorization: Bearer <token>.') {
    return new AppError(401, 'Unauthorized', detail);
  }
  static forbidden(detail: string) {
    return new AppError(403, 'Forbidden', detail);
  }
  static notFound(detail: string) {
    return new AppError(404, 'Not Found', detail);
  }
  static conflict(detail: string) {
    return new AppError(409, 'Conflict', detail);
  }
  static unprocessable(detail: string, errors?: FieldError[]) {
    return new AppError(422, 'Unprocessable Content', detail, errors);
  }
  static unsupportedMediaType(detail: string) {
    return new AppError(415, 'Unsupported Media Type', detail);
  }
  static tooManyRequests(detail: string, retryAfterSeconds: number) {
    const err = new AppError(429, 'Too Many Requests', detail);
    err.retryAfterSeconds = retryAfterSeconds;
    return err;
  }
  static unavailable(detail: string) {
    return new AppError(503, 'Service Unavailable', detail);
  }
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(AppError.notFound(`No route for ${req.method} ${req.path}.`));
};

/** Client mistakes carried by Express's own middleware (bad JSON, too large) keep their 4xx status. */
function clientErrorFromExpress(err: unknown): AppError | null {
  if (typeof err !== 'object' || err == null) return null;
  const { status, type } = err as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  if (type === 'entity.parse.failed') return AppError.badRequest('The request body is not valid JSON.');
  if (type === 'entity.too.large')
    return new AppError(413, 'Content Too Large', 'The request body is too large.');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported')
    return AppError.unsupportedMediaType(
      'The request body must be JSON in UTF-8, without a content encoding.',
    );
  return new AppError(status, 'Bad Request', 'The request could not be read.');
}

/** Answers every error as application/problem+json; unknown errors are logged once with the request id and never leaked. */
export const problemHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const known = err instanceof AppError ? err : clientErrorFromExpress(err);
  const problem =
    known ??
    new AppError(500, 'Internal Server Error', 'Something went wrong on our side; it has been logged.');
  if (!known) req.log.error({ err }, 'unhandled error');
  else if (problem.status >= 500)
    req.log.warn({ err: (err as { cause?: unknown }).cause ?? err }, problem.detail);
  if (problem.retryAfterSeconds) res.set('Retry-After', String(problem.retryAfterSeconds));
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: 'about:blank',
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance: req.originalUrl,
      ...(problem.errors ? { errors: problem.errors } : {}),
    });
};
