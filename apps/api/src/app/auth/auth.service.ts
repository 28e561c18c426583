import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { type GauntletConfig } from '@gauntlet/config';
import { type LoginResponse, type Role, type UserDto } from '@gauntlet/contracts';
import { ApiKeyEntity, UserEntity } from '@gauntlet/db';
import { IsNull } from 'typeorm';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { DomainError, ErrorCode } from '../common/errors';
import { hashApiKey } from './api-key';
import { type AuthUser } from './auth.types';
import { hashPassword, verifyPassword } from '@gauntlet/db';

interface JwtClaims {
  sub: string;
  email: string;
  role: Role;
}

export function toUserDto(u: UserEntity): UserDto {
  return { id: u.id, email: u.email, role: u.role, createdAt: u.createdAt.toISOString() };
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  // Verifying against a real hash when the email is unknown keeps response times alike.
  private readonly decoyHash = hashPassword('decoy-password-for-timing');

  constructor(
    private readonly db: DatabaseService,
    private readonly jwt: JwtService,
    @Inject(CONFIG) private readonly config: GauntletConfig,
  ) {}

  async login(email: string, password: string): Promise<LoginResponse> {
    const user = await this.db.ds
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !ok) {
      this.logger.log(`failed login for ${email.replace(/[^\w@.+-]/g, '')}`);
      throw new DomainError(ErrorCode.Unauthorized, 'Invalid email or password');
    }
    const claims: JwtClaims = { sub: user.id, email: user.email, role: user.role };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.config.jwtTtlSeconds });
    return { accessToken, expiresIn: this.config.jwtTtlSeconds, user: toUserDto(user) };
  }

  async verifyToken(token: string): Promise<AuthUser> {
    let claims: JwtClaims;
    try {
      claims = await this.jwt.verifyAsync<JwtClaims & object>(token);
    } catch {
      throw new DomainError(ErrorCode.Unauthorized, 'Invalid or expired token');
    }
    // The role is re-read so a demoted or deleted user loses access before the token expires.
    const user = await this.db.ds.getRepository(UserEntity).findOneBy({ id: claims.sub });
    if (!user) throw new DomainError(ErrorCode.Unauthorized, 'User no longer exists');
    return { id: user.id, email: user.email, role: user.role, via: 'jwt' };
  }

  async verifyApiKey(key: string): Promise<AuthUser> {
    const repo = this.db.ds.getRepository(ApiKeyEntity);
    const apiKey = await repo.findOneBy({ keyHash: hashApiKey(key), revokedAt: IsNull() });
    if (!apiKey) throw new DomainError(ErrorCode.Unauthorized, 'Invalid API key');
    const user = await this.db.ds.getRepository(UserEntity).findOneBy({ id: apiKey.userId });
    if (!user) throw new DomainError(ErrorCode.Unauthorized, 'Invalid API key');
    await repo.update({ id: apiKey.id }, { lastUsedAt: new Date() });
    return { id: user.id, email: user.email, role: user.role, via: 'api-key' };
  }
}
