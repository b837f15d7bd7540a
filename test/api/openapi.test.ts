import { z } from 'zod';
import { AUTHZ_MATRIX, OPERATION_IDS, allowedRoles } from '../../domain/authz';
import { openApiDocument } from '../../api/openapi/openapi';
import { ACTION_API } from '../../api/tickets/actions';
import { NewTicketBody } from '../../api/tickets/schemas';
import { TicketListQuery } from '../../api/tickets/tickets-query';
import { http, startTestDesk, type TestDesk } from '../support/desk';

type Json = Record<string, unknown>;
const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, Json>> };
const op = (method: string, path: string): Json => doc.paths[path]?.[method];
const strip = (schema: Json) => {
  const { $schema: _drop, ...rest } = schema;
  return rest;
};

describe('the OpenAPI document', () => {
  test('when built, then it is OpenAPI 3.1 with one operation per matrix row, carrying its roles and scope', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const id of OPERATION_IDS) {
      const rule = AUTHZ_MATRIX[id];
      const operation = op(rule.method.toLowerCase(), rule.path.replace(/:(\w+)/g, '{$1}'));
      expect({ id, operationId: operation?.operationId }).toEqual({ id, operationId: id });
      expect(operation['x-roles']).toEqual(rule.allow === 'anyone' ? ['anyone'] : allowedRoles(id));
      expect(Object.keys(operation.responses as Json)).toEqual(expect.arrayContaining(['default']));
    }
  });

  test('when a request is described, then its schema is the zod schema that validates it, not a second copy', () => {
    const submit = op('post', '/api/tickets');
    const body = (submit.requestBody as { content: Record<string, { schema: Json; example: unknown }> })
      .content['application/json'];
    // The document adds examples to the schema; everything that validates is the zod schema's own.
    const { examples, ...validating } = body.schema;
    expect(validating).toEqual(strip(z.toJSONSchema(NewTicketBody, { io: 'input' }) as Json));
    expect(examples).toEqual([body.example]);
    expect(NewTicketBody.safeParse(body.example).success).toBe(true);
    const resolve = op('post', '/api/tickets/{id}/resolve');
    expect(
      (resolve.requestBody as { content: Record<string, { schema: Json }> }).content['application/json']
        .schema,
    ).toEqual(strip(z.toJSONSchema(ACTION_API.resolve.body, { io: 'input' }) as Json));
    const params = (op('get', '/api/tickets').parameters as { name: string; in: string }[]).map(
      (p) => p.name,
    );
    expect(params).toEqual(Object.keys(TicketListQuery.shape));
  });

  test('when the transfer body is described, then its oneOf accepts and refuses exactly the bodies the zod schema does', () => {
    const transfer = op('post', '/api/tickets/{id}/transfer');
    const schema = (transfer.requestBody as { content: Record<string, { schema: Json }> }).content[
      'application/json'
    ].schema as { oneOf: { required: string[] }[] };
    const oneOfHolds = (body: Json) =>
      schema.oneOf.filter((branch) => branch.required.every((key) => key in body)).length === 1;
    for (const body of [
      { to: 'tech1', reason: 'r' },
      { team: 'net', reason: 'r' },
      { reason: 'r' },
      { to: 'tech1', team: 'net', reason: 'r' },
    ]) {
      expect({ body, documented: oneOfHolds(body) }).toEqual({
        body,
        documented: ACTION_API.transfer.body.safeParse(body).success,
      });
    }
  });

  test('when the list is described, then its page cursor is opaque with an alphabet and a length, in and out', () => {
    const page = (op('get', '/api/tickets').parameters as { name: string; schema: Json }[]).find(
      (p) => p.name === 'page',
    );
    expect(page?.schema).toMatchObject({ type: 'string', maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });
    expect(page?.schema.description).toMatch(/opaque/i);
    const ok = (op('get', '/api/tickets').responses as Record<string, { content: Json }>)['200'];
    const pageSchema = (ok.content['application/json'] as { schema: { properties: Json } }).schema;
    expect(JSON.stringify(pageSchema.properties.nextPage)).toContain('"pattern":"^[A-Za-z0-9_-]+$"');
  });

  test('when a ticket is submitted, then links from its 201 reach every operation on a ticket, with the tracking token where a requester may call it', () => {
    const created = (op('post', '/api/tickets').responses as Record<string, { links: Json }>)['201'];
    const onATicket = OPERATION_IDS.filter((id) => AUTHZ_MATRIX[id].path.startsWith('/api/tickets/:id'));
    expect(onATicket.length).toBeGreaterThanOrEqual(14);
    const expected = Object.fromEntries(
      onATicket.map((id) => [
        id,
        {
          operationId: id,
          parameters: {
            'path.id': '$response.body#/number',
            ...('tracking' in AUTHZ_MATRIX[id]
              ? { 'header.X-Tracking-Token': '$response.body#/trackingToken' }
              : {}),
          },
          description: expect.any(String) as unknown,
        },
      ]),
    );
    expect(created.links).toEqual(expected);
    for (const id of ['tickets.confirm', 'tickets.reject', 'tickets.cancel', 'tickets.get'])
      expect(Object.keys((created.links[id] as { parameters: Json }).parameters)).toContain(
        'header.X-Tracking-Token',
      );
  });

  test('when the intake or a ticket cannot answer yet, then 503 is documented as problem+json', () => {
    const onATicket = OPERATION_IDS.filter(
      (id) => AUTHZ_MATRIX[id].path.startsWith('/api/tickets/:id') && id !== 'tickets.history',
    );
    for (const id of ['tickets.submit', ...onATicket]) {
      const rule = AUTHZ_MATRIX[id as keyof typeof AUTHZ_MATRIX];
      const unavailable = (
        op(rule.method.toLowerCase(), rule.path.replace(/:(\w+)/g, '{$1}')).responses as Record<
          string,
          { content?: Json }
        >
      )['503'];
      expect({ id, types: Object.keys(unavailable?.content ?? {}) }).toEqual({
        id,
        types: ['application/problem+json'],
      });
    }
  });

  test('when an operation is rate-limited or takes a body, then 429 (with Retry-After), 503 and 415 are documented', () => {
    type Responses = Record<string, { content: Json; headers?: Json }>;
    const login = op('post', '/api/auth/login').responses as Responses;
    const submit = op('post', '/api/tickets').responses as Responses;
    for (const responses of [login, submit]) {
      expect(Object.keys(responses['429'].content)).toEqual(['application/problem+json']);
      expect(Object.keys(responses['429'].headers ?? {})).toEqual(['Retry-After']);
      expect(responses['415']).toBeDefined();
    }
    expect(Object.keys(submit['503'].content)).toEqual(['application/problem+json']);
    expect((op('get', '/api/tickets').responses as Responses)['415']).toBeUndefined();
  });

  test('when errors are described, then they are application/problem+json with field-level errors', () => {
    const bad = (op('post', '/api/tickets').responses as Record<string, { content: Json }>)['400'];
    const schema = (bad.content['application/problem+json'] as { schema: { properties: Json } }).schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['status', 'title', 'detail', 'errors']),
    );
  });
});

describe('the documents over HTTP', () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await startTestDesk();
  });
  afterAll(async () => {
    await desk?.close();
  });

  test('when /api/openapi.json and /api/docs are fetched, then both are served without credentials and the page is self-contained', async () => {
    const json = await http<Json>(desk, 'GET', '/api/openapi.json');
    expect(json.status).toBe(200);
    expect(json.body).toEqual(JSON.parse(JSON.stringify(doc)));
    const page = await fetch(`${desk.baseUrl}/api/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    for (const id of OPERATION_IDS) expect(html).toContain(`id="${id}"`);
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  test('when a body is invalid, then the answer is problem+json naming the field', async () => {
    const res = await http<{ errors: { field: string }[] }>(desk, 'POST', '/api/tickets', {
      body: { locationCode: 'IH-2-301', category: 'network', description: '', requester: { name: 'x' } },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ field: 'description', message: 'must not be empty' }]);
  });

  test('when the metrics port is scraped, then it has request counts by operation and tickets by status', async () => {
    await http(desk, 'GET', '/api/openapi.json');
    const res = await fetch(desk.metricsUrl);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('echodesk_http_requests_total{method="GET",route="ops.openapi"');
    expect(text).toContain('echodesk_http_request_duration_seconds_bucket');
    expect(text).toContain('# TYPE echodesk_tickets gauge');
  });

  test('when /metrics is asked of the public port, then it is not there (404) and the metrics port serves nothing else', async () => {
    const res = await fetch(`${desk.baseUrl}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('echodesk_');
    expect(new URL(desk.metricsUrl).port).not.toBe(String(desk.api.port));
    const other = await fetch(new URL('/api/openapi.json', desk.metricsUrl));
    expect(other.status).toBe(404);
  });
});
