import { AUTHZ_MATRIX, OPERATION_IDS } from '../../domain/authz';
import { startTestDesk, type TestDesk } from '../support/desk';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Each path of the matrix with the methods its rows give it. */
const PATHS = new Map<string, Set<string>>();
for (const id of OPERATION_IDS) {
  const { method, path } = AUTHZ_MATRIX[id];
  PATHS.set(path, (PATHS.get(path) ?? new Set<string>()).add(method));
}

/** What `Allow` must say: the matrix's methods, HEAD wherever GET is, and OPTIONS. */
const expectedAllow = (methods: Set<string>): string[] =>
  [...methods, ...(methods.has('GET') ? ['HEAD'] : []), 'OPTIONS'].sort();

const allowOf = (res: Response): string[] =>
  (res.headers.get('allow') ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean)
    .sort();

/** A concrete URL for a matrix path: every `:param` filled with a plausible value. */
const urlFor = (path: string): string => path.replace(/:(\w+)/g, (_m, name: string) => `${name}1`);

describe('methods a path does not have', () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await startTestDesk();
  });
  afterAll(async () => {
    await desk?.close();
  });

  test('when any matrix path is called with a method it lacks, then the answer is 405 problem+json with Allow listing its methods', async () => {
    const seen: { path: string; method: string; status: number; allow: string[]; type: string }[] = [];
    const expected: typeof seen = [];
    for (const [path, methods] of PATHS) {
      const allow = expectedAllow(methods);
      for (const method of METHODS.filter((m) => !allow.includes(m))) {
        const res = await fetch(`${desk.baseUrl}${urlFor(path)}`, { method });
        const type = res.headers.get('content-type') ?? '';
        const text = await res.text();
        // HEAD answers carry no body; the others carry the problem with its status.
        const status = method === 'HEAD' ? res.status : (JSON.parse(text) as { status: number }).status;
        seen.push({ path, method, status, allow: allowOf(res), type });
        expected.push({ path, method, status: 405, allow, type: 'application/problem+json; charset=utf-8' });
      }
    }
    // PUT /api/tickets, GET /api/tickets/{id}/accept, POST /api/tickets/{id}/history, DELETE /healthz, …
    expect(seen.length).toBeGreaterThanOrEqual(PATHS.size * 3);
    expect(seen).toEqual(expected);
  });

  test('when a matrix path is called with a method it has, then a route answers it (no 404, no 405), HEAD included', async () => {
    const wrong: string[] = [];
    for (const [path, methods] of PATHS) {
      for (const method of expectedAllow(methods).filter((m) => m !== 'OPTIONS')) {
        const res = await fetch(`${desk.baseUrl}${urlFor(path)}`, { method });
        await res.arrayBuffer();
        if (res.status === 404 || res.status === 405) wrong.push(`${method} ${path} → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    const head = await fetch(`${desk.baseUrl}/api/categories`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('application/json');
    expect(await head.text()).toBe('');
  });

  test('when OPTIONS asks about a matrix path, then 204 lists its methods in Allow, without credentials', async () => {
    for (const [path, methods] of PATHS) {
      const res = await fetch(`${desk.baseUrl}${urlFor(path)}`, { method: 'OPTIONS' });
      expect({ path, status: res.status, allow: allowOf(res) }).toEqual({
        path,
        status: 204,
        allow: expectedAllow(methods),
      });
    }
    const tickets = await fetch(`${desk.baseUrl}/api/tickets/`, { method: 'OPTIONS' });
    expect(allowOf(tickets)).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
  });

  test('when a path is in no matrix row, then the answer stays 404', async () => {
    for (const [method, path] of [
      ['PUT', '/api/nowhere'],
      ['POST', '/api/tickets/R2026-000001/no-such-action'],
      ['GET', '/api/tickets/R2026-000001/no-such-action'],
    ]) {
      const res = await fetch(`${desk.baseUrl}${path}`, { method });
      expect({ method, path, status: res.status, allow: res.headers.get('allow') }).toEqual({
        method,
        path,
        status: 404,
        allow: null,
      });
    }
  });
});
