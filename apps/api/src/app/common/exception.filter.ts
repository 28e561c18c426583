import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { type ErrorResponse } from '@gauntlet/contracts';
import { type Response } from 'express';
import { DomainError, ErrorCode } from './errors';

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.Validation]: HttpStatus.BAD_REQUEST,
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.Unauthorized]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [ErrorCode.Conflict]: HttpStatus.CONFLICT,
  [ErrorCode.ServiceUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
};

/** Errors that mean a dependency is unreachable rather than that the request was wrong. */
function unavailableService(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  const text = `${err.name} ${err.message}`;
  if (
    code === 14 ||
    (/ServiceError|TransportError|ConnectionError|UNAVAILABLE|Failed to connect/i.test(text) &&
      /temporal|grpc|14 UNAVAILABLE|ServiceError/i.test(text))
  ) {
    return 'Temporal';
  }
  if (/Stream isn't writeable|Connection is closed|MaxRetriesPerRequest|ECONNREFUSED.*6379/i.test(text))
    return 'Redis';
  if (
    code === 'ECONNREFUSED' ||
    code === '57P01' ||
    code === '08006' ||
    code === '08001' ||
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      text,
    )
  ) {
    return 'PostgreSQL';
  }
  return undefined;
}

/** Maps every error to the one error body shape; internal details are logged, never returned. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const body = this.toBody(err);
    if (body.statusCode >= 500) {
      this.logger.error(body.statusCode === 503 ? body.message : ((err as Error)?.stack ?? String(err)));
    }
    res.status(body.statusCode).json(body);
  }

  private toBody(err: unknown): ErrorResponse {
    if (err instanceof DomainError) {
      const statusCode = STATUS[err.code];
      return {
        statusCode,
        error: HttpStatus[statusCode] ?? 'Error',
        message: err.message,
        code: err.code,
        ...(err.details ? { details: err.details } : {}),
      };
    }
    if (err instanceof HttpException) {
      const statusCode = err.getStatus();
      const response = err.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : String((response as { message?: unknown }).message ?? err.message);
      return { statusCode, error: HttpStatus[statusCode] ?? 'Error', message };
    }
    const service = unavailableService(err);
    if (service) {
      return {
        statusCode: 503,
        error: 'SERVICE_UNAVAILABLE',
        message: `${service} is unavailable; see /api/health`,
        code: ErrorCode.ServiceUnavailable,
      };
    }
    return { statusCode: 500, error: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' };
  }
}
