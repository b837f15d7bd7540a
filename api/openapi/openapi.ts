import { z } from 'zod';
import {
  allowedRoles,
  AUTHZ_MATRIX,
  OPERATION_IDS,
  type OperationId,
  type OperationRule,
} from '../../domain/authz';
import { DOCS, type JsonSchema, type OperationDoc } from './operation-docs';
import * as out from './response-schemas';

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const firstExample = (schema: JsonSchema): unknown =>
  Array.isArray(schema.examples) ? (schema.examples as unknown[])[0] : undefined;

const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

const PROBLEM_CODES: Record<string, string> = {
  '400': 'The request is not valid; `errors` names each bad field',
  '401': 'No credentials, or a token that is invalid, expired or revoked',
  '403': 'The role, token scope or ticket does not allow this',
  '404': 'No such resource',
  '409': 'The resource’s state does not allow this now',
  '415': 'The request body is not JSON (`Content-Type: application/json`)',
  '422': 'Well-formed, but refers to something that does not exist or is not allowed',
};

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } },
};

function security(r: OperationRule): Record<string, string[]>[] {
  if (r.allow === 'anyone') return [];
  return r.tracking ? [{ bearerAuth: [] }, { trackingToken: [] }] : [{ bearerAuth: [] }];
}

function responses(doc: OperationDoc, r: OperationRule): Record<string, unknown> {
  const problem = { 'application/problem+json': { schema: toSchema(out.Problem, 'output') } };
  const answers: Record<string, unknown> = {};
  for (const [status, c] of Object.entries(doc.responses)) {
    if (!c.schema && !c.raw) {
      answers[status] = { description: c.description };
      continue;
    }
    const schema = c.raw ?? toSchema(c.schema as z.ZodType, 'output');
    const isProblem = c.schema === out.Problem;
    const type = isProblem ? 'application/problem+json' : (c.contentType ?? 'application/json');
    const media: Record<string, unknown> = {
      [type]: { schema, ...(firstExample(schema) ? { example: firstExample(schema) } : {}) },
    };
    if (doc.tags.includes('reports')) media['text/csv'] = { schema: { type: 'string' } };
    answers[status] = {
      description: c.description,
      ...(status === '429' ? { headers: RETRY_AFTER } : {}),
      content: media,
      ...(c.links ? { links: c.links } : {}),
    };
  }
  const codes = ['400', '404', '409', '422'];
  if (doc.body) codes.push('415');
  if (r.allow !== 'anyone') codes.push('401', '403');
  for (const code of codes) answers[code] ??= { description: PROBLEM_CODES[code], content: problem };
  answers.default = { description: 'Any other error, as application/problem+json', content: problem };
  return answers;
}

function parameters(doc: OperationDoc): unknown[] {
  const params: unknown[] = [];
  for (const [name, schema] of Object.entries(doc.path ?? {})) {
    const s = toSchema(schema, 'input');
    params.push({
      name,
      in: 'path',
      required: true,
      schema: s,
      ...(firstExample(s) ? { example: firstExample(s) } : {}),
    });
  }
  for (const [name, schema] of Object.entries(doc.query?.shape ?? {})) {
    const s = toSchema(schema as z.ZodType, 'input');
    const required = !(schema as z.ZodType).safeParse(undefined).success;
    params.push({
      name,
      in: 'query',
      required,
      schema: s,
      ...(s.description ? { description: s.description } : {}),
    });
  }
  for (const [name, { schema, description }] of Object.entries(doc.headers ?? {})) {
    params.push({ name, in: 'header', required: false, description, schema: toSchema(schema, 'input') });
  }
  return params;
}

function operation(op: OperationId): Record<string, unknown> {
  const r: OperationRule = AUTHZ_MATRIX[op];
  const doc = DOCS[op];
  const roles = r.allow === 'anyone' ? 'anyone' : allowedRoles(op).join(', ');
  const body = doc.body && toSchema(doc.body, 'input');
  return {
    operationId: op,
    summary: r.summary,
    description: [
      doc.description,
      `Allowed: ${roles}.`,
      r.scope ? `Integration token scope: \`${r.scope}\`.` : '',
    ]
      .filter(Boolean)
      .join(' '),
    tags: doc.tags,
    security: security(r),
    'x-roles': r.allow === 'anyone' ? ['anyone'] : allowedRoles(op),
    ...(r.scope ? { 'x-scope': r.scope } : {}),
    parameters: parameters(doc),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: body,
                ...(firstExample(body) ? { example: firstExample(body) } : {}),
              },
            },
          },
        }
      : {}),
    responses: responses(doc, r),
  };
}

let cached: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document: paths and access from the matrix (domain/authz.ts), schemas from the zod schemas that validate requests. */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATION_IDS) {
    const r: OperationRule = AUTHZ_MATRIX[op];
    const path = openApiPath(r.path);
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = operation(op);
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'echodesk',
      version: '0.1.0',
      description:
        'The service desk of a university network and information center. Errors are application/problem+json. Roles, scopes and pagination: docs/api.md.',
    },
    servers: [{ url: '/' }],
    tags: ['auth', 'tickets', 'ticket actions', 'reports', 'reference', 'locations', 'admin', 'ops'].map(
      (name) => ({
        name,
      }),
    ),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A sign-in token from POST /api/auth/login, or an integration token (edk_…) with scopes',
        },
        trackingToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Tracking-Token',
          description: 'The requester’s tracking token of one ticket',
        },
      },
    },
    paths,
  };
  return cached;
}
