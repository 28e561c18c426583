import { type LoginRequest, type LoginResponse, ROLES, type Role, type UserDto } from '@gauntlet/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginRequestDto implements LoginRequest {
  @ApiProperty({ example: 'admin@gauntlet.local' })
  @IsEmail({}, { message: 'must be an email address' })
  email!: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  password!: string;
}

export class UserResponseDto implements UserDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty() createdAt!: string;
}

export class LoginResponseDto implements LoginResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn!: number;
  @ApiProperty({ type: UserResponseDto }) user!: UserResponseDto;
}
