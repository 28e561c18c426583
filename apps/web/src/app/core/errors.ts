import { HttpErrorResponse } from '@angular/common/http';
import { type ErrorResponse, type FieldError } from '@gauntlet/contracts';

/** Any failure as the API's error shape, so pages show one kind of message. */
export function toErrorResponse(err: unknown): ErrorResponse {
  if (err instanceof HttpErrorResponse) {
    const body = err.error as Partial<ErrorResponse> | null;
    if (body && typeof body === 'object' && typeof body.message === 'string') {
      return {
        statusCode: err.status,
        error: body.error ?? err.statusText,
        message: body.message,
        ...(body.code ? { code: body.code } : {}),
        ...(Array.isArray(body.details) ? { details: body.details } : {}),
      };
    }
    if (err.status === 0 || err.status === 502 || err.status === 504) {
      return { statusCode: err.status, error: 'Unreachable', message: 'The API cannot be reached.' };
    }
    return { statusCode: err.status, error: err.statusText, message: err.message };
  }
  return { statusCode: 0, error: 'Error', message: err instanceof Error ? err.message : String(err) };
}

/** Field errors grouped by dotted path (`params.fast`, `from`, …). */
export function fieldErrors(details: readonly FieldError[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const d of details ?? []) (out[d.field] ??= []).push(d.reason);
  return out;
}
