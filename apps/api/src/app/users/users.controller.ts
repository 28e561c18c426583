import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type ApiKeyDto, type CreatedApiKeyDto, type UserDto } from '@gauntlet/contracts';
import { UserResponseDto } from '../auth/auth.dto';
import { type AuthUser, MinRole } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import {
  ApiKeyResponseDto,
  CreateApiKeyRequestDto,
  CreatedApiKeyResponseDto,
  CreateUserRequestDto,
} from './users.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('users')
  @MinRole('admin')
  @ApiOkResponse({ type: [UserResponseDto] })
  list(): Promise<UserDto[]> {
    return this.users.list();
  }

  @Post('users')
  @MinRole('admin')
  @ApiCreatedResponse({ type: UserResponseDto })
  create(@Body() body: CreateUserRequestDto): Promise<UserDto> {
    return this.users.create(body.email, body.password, body.role);
  }

  @Get('api-keys')
  @ApiOkResponse({ type: [ApiKeyResponseDto] })
  listKeys(@CurrentUser() user: AuthUser): Promise<ApiKeyDto[]> {
    return this.users.listApiKeys(user.id);
  }

  @Post('api-keys')
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  createKey(@CurrentUser() user: AuthUser, @Body() body: CreateApiKeyRequestDto): Promise<CreatedApiKeyDto> {
    return this.users.createApiKey(user.id, body.name);
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  revokeKey(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.users.revokeApiKey(user.id, id);
  }
}
