export const ROLES = ['viewer', 'researcher', 'trader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface LoginRequest {
  email: string;
  password: string;
}

export interface UserDto {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
}

export interface LoginResponse {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  user: UserDto;
}

export interface CreateUserRequest {
  email: string;
  password: string;
  role: Role;
}

export interface CreateApiKeyRequest {
  name: string;
}

export interface ApiKeyDto {
  id: string;
  name: string;
  /** The first characters of the key, to recognise it; the key itself is shown once. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedApiKeyDto extends ApiKeyDto {
  /** The whole key. Returned only by the call that creates it; stored hashed. */
  key: string;
}
