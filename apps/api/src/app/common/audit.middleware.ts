import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';
import { DatabaseService } from '../../services/database/database.service';
import { type AuthUser } from '../auth/auth.types';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Records every state-changing request once it has been answered: who, what, and the status.
 * The path is stored without its query string and bodies are never stored, so tokens and
 * passwords cannot end up in the log. A failure to write the record is logged, never raised.
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Audit');

  constructor(private readonly db: DatabaseService) {}

  use(req: Request & { user?: AuthUser }, res: Response, next: NextFunction): void {
    if (!STATE_CHANGING.has(req.method)) return next();
    const started = performance.now();
    res.on('finish', () => {
      if (!this.db.dataSource.isInitialized) return;
      this.db.dataSource
        .query(
          `INSERT INTO audit_log (user_id, method, path, status, ip, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
          [
            req.user?.id ?? null,
            req.method,
            req.originalUrl.split('?')[0],
            res.statusCode,
            req.ip ?? null,
            Math.round(performance.now() - started),
          ],
        )
        .catch((err: Error) =>
          this.logger.warn(`could not record ${req.method} ${req.path}: ${err.message}`),
        );
    });
    next();
  }
}
