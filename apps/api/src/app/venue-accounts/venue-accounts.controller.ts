import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type VenueAccountDto } from '@gauntlet/contracts';
import { type AuthUser, MinRole } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import { CreateVenueAccountRequestDto, VenueAccountResponseDto } from './venue-accounts.dto';
import { VenueAccountsService } from './venue-accounts.service';

@ApiTags('venue-accounts')
@ApiBearerAuth()
@Controller('venue-accounts')
export class VenueAccountsController {
  constructor(private readonly accounts: VenueAccountsService) {}

  @Post()
  @MinRole('trader')
  @ApiCreatedResponse({ type: VenueAccountResponseDto, description: 'Stored with the key and secret sealed' })
  create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateVenueAccountRequestDto,
  ): Promise<VenueAccountDto> {
    return this.accounts.create(user, body);
  }

  @Get()
  @MinRole('trader')
  @ApiOkResponse({ type: [VenueAccountResponseDto], description: "The caller's accounts, keys masked" })
  list(@CurrentUser() user: AuthUser): Promise<VenueAccountDto[]> {
    return this.accounts.list(user);
  }

  @Delete(':id')
  @HttpCode(204)
  @MinRole('trader')
  @ApiNoContentResponse({ description: 'Deleted; 409 while a live bot uses it' })
  remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    return this.accounts.remove(user, id);
  }
}
