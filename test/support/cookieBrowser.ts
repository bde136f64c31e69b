/**
 * A minimal browser over fetch for sign-in flows: a cookie jar (by host and path, as browsers
 * share cookies across ports), manual redirects, form posts. Talks to whatever URLs it is given
 * (tests give it 127.0.0.1 only). Test support only.
 */
export class CookieBrowser {
  readonly #jar = new Map<string, { value: string; path: string; host: string }>();

  /** The cookie header this browser would send to `url`. */
  cookieHeader(url: URL): string {
    return [...this.#jar]
      .filter(([, cookie]) => cookie.host === url.hostname && url.pathname.startsWith(cookie.path))
      .map(([name, cookie]) => `${name.split('|')[1]}=${cookie.value}`)
      .join('; ');
  }

  /** The value of a cookie this browser holds for `host`, or undefined. */
  cookie(host: string, name: string): string | undefined {
    return this.#jar.get(`${host}|${name}`)?.value;
  }

  /** One request (no redirect following); stores the cookies it sets. */
  async request(
    url: URL,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    const cookies = this.cookieHeader(url);
    if (cookies) headers['cookie'] = cookies;
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      redirect: 'manual',
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const line of response.headers.getSetCookie()) this.#store(url, line);
    return response;
  }

  /**
   * Follows redirects from `url` while `follow(next)` says so; returns the last response and
   * the URL it came from.
   */
  async navigate(
    url: URL,
    follow: (next: URL) => boolean,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ response: Response; url: URL }> {
    let current = url;
    let response = await this.request(current, init);
    for (let hop = 0; hop < 20; hop += 1) {
      const location = response.headers.get('location');
      if (!location || response.status < 300 || response.status >= 400) break;
      const next = new URL(location, current);
      if (!follow(next)) return { response, url: current };
      current = next;
      response = await this.request(current);
    }
    return { response, url: current };
  }

  #store(url: URL, line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = '/';
    let expired = value === '';
    for (const attribute of attributes) {
      const [key = '', attributeValue = ''] = attribute.split('=');
      if (key.toLowerCase() === 'path') path = attributeValue;
      if (key.toLowerCase() === 'max-age' && Number(attributeValue) <= 0) expired = true;
      if (key.toLowerCase() === 'expires' && attributeValue.includes('1970')) expired = true;
    }
    const key = `${url.hostname}|${name}`;
    if (expired) this.#jar.delete(key);
    else this.#jar.set(key, { value, path, host: url.hostname });
  }
}
