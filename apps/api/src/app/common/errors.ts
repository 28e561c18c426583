import { type FieldError } from '@gauntlet/contracts';

/** Typed domain errors; the exception filter maps each code to one HTTP status. */
export enum ErrorCode {
  Validation = 'VALIDATION_FAILED',
  NotFound = 'NOT_FOUND',
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  Conflict = 'CONFLICT',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validationError = (details: FieldError[]): DomainError =>
  new DomainError(ErrorCode.Validation, details.map((d) => `${d.field}: ${d.reason}`).join('; '), details);

export const notFound = (what: string, id: string): DomainError =>
  new DomainError(ErrorCode.NotFound, `${what} ${id} not found`);

export const unavailable = (service: string, cause?: unknown): DomainError =>
  new DomainError(
    ErrorCode.ServiceUnavailable,
    `${service} is unavailable${cause instanceof Error ? `: ${cause.message}` : ''}`,
  );
