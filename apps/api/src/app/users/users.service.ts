import { Injectable } from '@nestjs/common';
import { type ApiKeyDto, type CreatedApiKeyDto, type Role, type UserDto } from '@gauntlet/contracts';
import { ApiKeyEntity, UserEntity } from '@gauntlet/db';
import { IsNull } from 'typeorm';
import { DatabaseService } from '../../services/database/database.service';
import { DomainError, ErrorCode, notFound } from '../common/errors';
import { generateApiKey } from '../auth/api-key';
import { toUserDto } from '../auth/auth.service';
import { hashPassword } from '@gauntlet/db';

const toApiKeyDto = (k: ApiKeyEntity): ApiKeyDto => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt ? k.lastUsedAt.toISOString() : null,
});

@Injectable()
export class UsersService {
  constructor(private readonly db: DatabaseService) {}

  async get(id: string): Promise<UserDto> {
    const user = await this.db.ds.getRepository(UserEntity).findOneBy({ id });
    if (!user) throw notFound('User', id);
    return toUserDto(user);
  }

  async list(): Promise<UserDto[]> {
    const users = await this.db.ds.getRepository(UserEntity).find({ order: { createdAt: 'ASC' } });
    return users.map(toUserDto);
  }

  async create(email: string, password: string, role: Role): Promise<UserDto> {
    const repo = this.db.ds.getRepository(UserEntity);
    const exists = await repo
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .getExists();
    if (exists) {
      throw new DomainError(ErrorCode.Conflict, 'A user with this email exists', [
        { field: 'email', reason: 'is already registered' },
      ]);
    }
    const user = await repo.save(
      repo.create({ email: email.toLowerCase(), passwordHash: await hashPassword(password), role }),
    );
    return toUserDto(user);
  }

  async createApiKey(userId: string, name: string): Promise<CreatedApiKeyDto> {
    const repo = this.db.ds.getRepository(ApiKeyEntity);
    const { key, prefix, hash } = generateApiKey();
    const saved = await repo.save(
      repo.create({ userId, name, prefix, keyHash: hash, lastUsedAt: null, revokedAt: null }),
    );
    return { ...toApiKeyDto(saved), key };
  }

  async listApiKeys(userId: string): Promise<ApiKeyDto[]> {
    const keys = await this.db.ds
      .getRepository(ApiKeyEntity)
      .find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
    return keys.map(toApiKeyDto);
  }

  async revokeApiKey(userId: string, id: string): Promise<void> {
    const result = await this.db.ds
      .getRepository(ApiKeyEntity)
      .update({ id, userId, revokedAt: IsNull() }, { revokedAt: new Date() });
    if (!result.affected) throw notFound('API key', id);
  }
}
