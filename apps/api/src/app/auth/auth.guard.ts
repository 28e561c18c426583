import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Role } from '@gauntlet/contracts';
import { type Request } from 'express';
import { DomainError, ErrorCode } from '../common/errors';
import { looksLikeApiKey } from './api-key';
import { AuthService } from './auth.service';
import { type AuthUser, IS_PUBLIC, roleAllows, ROLES_KEY } from './auth.types';

/**
 * Global guard: every route needs a bearer JWT or an API key unless marked @Public().
 * API keys come as `X-API-Key: gk_…` or `Authorization: Bearer gk_…`. Server-sent event
 * routes also accept `?access_token=` because browsers' EventSource cannot set headers.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const credential = this.credential(req);
    if (!credential) throw new DomainError(ErrorCode.Unauthorized, 'Authentication required');
    req.user = looksLikeApiKey(credential)
      ? await this.auth.verifyApiKey(credential)
      : await this.auth.verifyToken(credential);
    const required = this.reflector.getAllAndOverride<Role | undefined>(ROLES_KEY, targets);
    if (required && !roleAllows(req.user.role, required)) {
      throw new DomainError(ErrorCode.Forbidden, `Requires the ${required} role or higher`);
    }
    return true;
  }

  private credential(req: Request): string | undefined {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) return header.slice(7).trim();
    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey) return apiKey;
    const q = req.query['access_token'];
    if (typeof q === 'string' && q && req.path.endsWith('/events')) return q;
    return undefined;
  }
}
