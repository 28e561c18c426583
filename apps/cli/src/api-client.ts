import { type ErrorResponse } from '@gauntlet/contracts';
import { DataError, UsageError } from './args';

/** Where the API is when neither `--api` nor `GAUNTLET_API_URL` says otherwise. */
export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/** The API answered, but not with what was asked for. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
}

/**
 * A small client for the Gauntlet REST API, authenticated with an API key. The key comes from the
 * environment (`GAUNTLET_API_KEY`), never from the command line, so it stays out of shell history
 * and process listings; it is never printed.
 */
export class ApiClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly apiKey: string,
  ) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new UsageError(`--api: "${baseUrl}" is not a URL (e.g. ${DEFAULT_API_URL})`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--api: "${baseUrl}" must be an http or https URL`);
    this.baseUrl = url.origin + url.pathname.replace(/\/+$/, '');
  }

  /** From `--api` / `GAUNTLET_API_URL` and `GAUNTLET_API_KEY`. */
  static fromEnvironment(apiOption: string | undefined, env: NodeJS.ProcessEnv = process.env): ApiClient {
    const key = env['GAUNTLET_API_KEY']?.trim();
    if (!key)
      throw new UsageError(
        'GAUNTLET_API_KEY is not set: create an API key (POST /api/api-keys or the UI) and export it',
      );
    return new ApiClient(apiOption ?? env['GAUNTLET_API_URL'] ?? DEFAULT_API_URL, key);
  }

  get url(): string {
    return this.baseUrl;
  }

  /** A JSON request; 400 becomes a UsageError naming every field, other failures one line each. */
  async json<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ body: T; headers: Headers; status: number }> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          'x-api-key': this.apiKey,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new DataError(`cannot reach the API at ${this.baseUrl}${cause ? ` (${cause})` : ''}`);
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: reported below by status
    }
    if (res.ok) return { body: parsed as T, headers: res.headers, status: res.status };
    const err = (parsed ?? {}) as Partial<ErrorResponse>;
    if (res.status === 400) {
      const details = err.details?.map((d) => `${d.field}: ${d.reason}`).join('; ');
      throw new UsageError(`the API rejected the request: ${details || err.message || 'bad request'}`);
    }
    if (res.status === 401)
      throw new RemoteError(`the API at ${this.baseUrl} refused the key (401): check GAUNTLET_API_KEY`);
    throw new RemoteError(
      `${method} ${path}: ${res.status}${err.message ? ` ${err.message}` : res.statusText ? ` ${res.statusText}` : ''}`,
    );
  }
}
