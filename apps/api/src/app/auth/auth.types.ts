import { type Role } from '@gauntlet/contracts';
import { SetMetadata } from '@nestjs/common';

export interface AuthUser {
  id: string;
  email: string;
  role: Role;
  via: 'jwt' | 'api-key';
}

export const IS_PUBLIC = 'gauntlet:public';
export const ROLES_KEY = 'gauntlet:roles';

/** Marks a route as reachable without authentication (health, login, OpenAPI only). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The lowest role allowed; roles are ordered viewer < researcher < trader < admin. */
export const MinRole = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, role);

const RANK: Record<Role, number> = { viewer: 0, researcher: 1, trader: 2, admin: 3 };

/** Traders may also run research; admins may do everything. */
export function roleAllows(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}
