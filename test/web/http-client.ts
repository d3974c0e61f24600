/** A tiny cookie-keeping HTTP client over fetch, for the admin page's HTTP tests. */
export interface PageResponse {
  readonly status: number;
  readonly body: string;
  readonly location: string | undefined;
  readonly headers: Headers;
}

export class Browserless {
  private readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that carried one. */
  csrf = '';

  constructor(readonly base: string) {}

  private store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(
    method: string,
    path: string,
    init: { form?: Record<string, string | string[]>; headers?: Record<string, string>; json?: unknown } = {},
  ): Promise<PageResponse> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (this.cookies.size > 0) headers['cookie'] = this.cookieHeader();
    let body: string | undefined;
    if (init.form !== undefined) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(init.form))
        for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] = 'application/json';
    }
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const res = await fetch(url, { method, headers, body, redirect: 'manual' });
    this.store(res.headers);
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token !== undefined) this.csrf = token;
    return { status: res.status, body: text, location: res.headers.get('location') ?? undefined, headers: res.headers };
  }

  /** The path of a redirect below base (Location holds an absolute path such as `/pascom-connector/status`). */
  pathOf(location: string | undefined): string {
    if (location === undefined) throw new Error('no redirect');
    const basePath = new URL(this.base).pathname;
    return location.startsWith(basePath) ? location.slice(basePath.length) : location;
  }

  follow(res: PageResponse): Promise<PageResponse> {
    return this.get(this.pathOf(res.location));
  }

  get(path: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    return this.request('GET', path, { headers });
  }

  /** A form POST carrying the current CSRF token (unless the form sets `_csrf` itself). */
  post(path: string, form: Record<string, string | string[]> = {}): Promise<PageResponse> {
    return this.request('POST', path, { form: { _csrf: this.csrf, ...form } });
  }

  async login(username: string, password: string): Promise<PageResponse> {
    await this.get('/login');
    return this.post('/login', { username, password });
  }
}
