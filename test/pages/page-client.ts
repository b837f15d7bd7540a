import type { TestDesk } from '../support/desk';

export interface PageResponse {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
  location: string | null;
}

/** A cookie-keeping form client for page tests: what a browser without JavaScript would do. */
export class PageClient {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly desk: Pick<TestDesk, 'baseUrl'>,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  setCookies(): string[] {
    return this.rawSetCookies;
  }

  private rawSetCookies: string[] = [];

  async request(method: string, path: string, body?: URLSearchParams | FormData): Promise<PageResponse> {
    const headers: Record<string, string> = { ...this.defaultHeaders };
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    const res = await fetch(`${this.desk.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    this.rawSetCookies = res.headers.getSetCookie();
    for (const line of this.rawSetCookies) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    // Decoded by hand: fetch's text() drops a UTF-8 byte-order mark, which CSV downloads must carry.
    const bytes = Buffer.from(await res.arrayBuffer());
    return {
      status: res.status,
      headers: res.headers,
      text: bytes.toString('utf8'),
      bytes,
      location: res.headers.get('location'),
    };
  }

  get(path: string): Promise<PageResponse> {
    return this.request('GET', path);
  }

  /** Posts a form with the CSRF token of the page at `formPage` (fetched first). */
  async post(
    formPage: string,
    action: string,
    fields: Record<string, string> | FormData,
  ): Promise<PageResponse> {
    const page = await this.get(formPage);
    const token = csrfOf(page.text);
    if (fields instanceof FormData) {
      fields.set('_csrf', token);
      return this.request('POST', action, fields);
    }
    return this.request('POST', action, new URLSearchParams({ ...fields, _csrf: token }));
  }
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1];
}

/** The smallest valid PNG (1×1). */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
