import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type UserDto } from '@gauntlet/contracts';
import { LoginRequestDto, LoginResponseDto, UserResponseDto } from './auth.dto';
import { AuthService } from './auth.service';
import { type AuthUser, Public } from './auth.types';
import { CurrentUser } from './current-user.decorator';
import { UsersService } from '../users/users.service';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  login(@Body() body: LoginRequestDto): Promise<LoginResponseDto> {
    return this.auth.login(body.email, body.password);
  }

  @ApiBearerAuth()
  @Get('me')
  @ApiOkResponse({ type: UserResponseDto })
  me(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return this.users.get(user.id);
  }
}
