import type { FastifyInstance } from 'fastify';

export interface Response<T = Record<string, unknown>> {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** A raw payload sent as is (malformed JSON, huge bodies). */
  raw?: string | Buffer;
  token?: string;
  headers?: Record<string, string>;
}

/** A small JSON client over Fastify's inject (no socket). */
export function client(http: FastifyInstance) {
  async function call<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, options: RequestOptions = {}): Promise<Response<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | Buffer | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await http.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    let body: unknown = undefined;
    if (response.body.length > 0 && /json/.test(String(response.headers['content-type'] ?? ''))) body = JSON.parse(response.body);
    return { status: response.statusCode, headers: response.headers, body: body as T, text: response.body };
  }
  return {
    get: <T = Record<string, unknown>>(url: string, options?: RequestOptions) => call<T>('GET', url, options),
    post: <T = Record<string, unknown>>(url: string, options?: RequestOptions) => call<T>('POST', url, options),
    patch: <T = Record<string, unknown>>(url: string, options?: RequestOptions) => call<T>('PATCH', url, options),
    del: <T = Record<string, unknown>>(url: string, options?: RequestOptions) => call<T>('DELETE', url, options),
    /** Registers a user and returns its tokens. */
    async register(username: string, password = 'correct horse battery') {
      const response = await call<{ user: { id: string; username: string }; accessToken: string; refreshToken: string }>('POST', '/api/v1/auth/register', {
        body: { username, password },
      });
      if (response.status !== 201) throw new Error(`register ${username} failed: ${response.status} ${response.text}`);
      return response.body;
    },
  };
}

export type Client = ReturnType<typeof client>;
