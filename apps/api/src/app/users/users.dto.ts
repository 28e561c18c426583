import {
  type ApiKeyDto,
  type CreateApiKeyRequest,
  type CreatedApiKeyDto,
  type CreateUserRequest,
  ROLES,
  type Role,
} from '@gauntlet/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateUserRequestDto implements CreateUserRequest {
  @ApiProperty()
  @IsEmail({}, { message: 'must be an email address' })
  email!: string;

  @ApiProperty({ minLength: 10 })
  @IsString({ message: 'must be a string' })
  @MinLength(10, { message: 'must be at least 10 characters' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role!: Role;
}

export class CreateApiKeyRequestDto implements CreateApiKeyRequest {
  @ApiProperty({ example: 'nightly optimiser' })
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(100, { message: 'must be at most 100 characters' })
  name!: string;
}

export class ApiKeyResponseDto implements ApiKeyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() prefix!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) lastUsedAt!: string | null;
}

export class CreatedApiKeyResponseDto extends ApiKeyResponseDto implements CreatedApiKeyDto {
  @ApiProperty({ description: 'The whole key; shown only once' }) key!: string;
}
