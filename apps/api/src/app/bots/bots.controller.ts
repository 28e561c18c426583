import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  type MessageEvent,
  Param,
  Patch,
  Post,
  Sse,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { type BotDto, type BotFillDto, type BotOrderDto } from '@gauntlet/contracts';
import { type Observable } from 'rxjs';
import { type AuthUser, MinRole } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import {
  BotCommandRequestDto,
  BotCommandResponseDto,
  BotFillResponseDto,
  BotOrderResponseDto,
  BotParamsRequestDto,
  BotResponseDto,
  CreateBotRequestDto,
  KillSwitchRequestDto,
  KillSwitchResponseDto,
} from './bots.dto';
import { BotsService } from './bots.service';

@ApiTags('bots')
@ApiBearerAuth()
@Controller('bots')
export class BotsController {
  constructor(private readonly bots: BotsService) {}

  @Post()
  @MinRole('trader')
  @ApiCreatedResponse({ type: BotResponseDto, description: 'The bot, created and waiting for START' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateBotRequestDto): Promise<BotDto> {
    return this.bots.create(user, body);
  }

  @Post('kill-switch')
  @HttpCode(202)
  @MinRole('trader')
  @ApiAcceptedResponse({
    type: KillSwitchResponseDto,
    description:
      "KILL sent to every running or paused bot of the caller (admins: `scope: all`, every user's)",
  })
  killSwitch(
    @CurrentUser() user: AuthUser,
    @Body() body: KillSwitchRequestDto,
  ): Promise<KillSwitchResponseDto> {
    return this.bots.killSwitch(user, body.scope ?? 'mine');
  }

  @Get()
  @ApiOkResponse({ type: [BotResponseDto] })
  list(@CurrentUser() user: AuthUser): Promise<BotDto[]> {
    return this.bots.list(user);
  }

  @Get(':id')
  @ApiOkResponse({
    type: BotResponseDto,
    description: 'The bot, with its live `state` while the workflow runs',
  })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<BotDto> {
    return this.bots.get(user, id);
  }

  @Post(':id/commands')
  @HttpCode(202)
  @MinRole('trader')
  @ApiAcceptedResponse({
    type: BotCommandResponseDto,
    description: 'Sent to the bot; 409 when it does not apply',
  })
  command(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: BotCommandRequestDto,
  ): Promise<BotCommandResponseDto> {
    return this.bots.command(user, id, body.command);
  }

  @Patch(':id/params')
  @HttpCode(202)
  @MinRole('trader')
  @ApiAcceptedResponse({
    type: BotResponseDto,
    description: 'Sent to the bot, which applies them on its next step',
  })
  updateParams(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: BotParamsRequestDto,
  ): Promise<BotDto> {
    return this.bots.updateParams(user, id, body.params);
  }

  @Get(':id/orders')
  @ApiOkResponse({ type: [BotOrderResponseDto] })
  orders(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<BotOrderDto[]> {
    return this.bots.orders(user, id);
  }

  @Get(':id/fills')
  @ApiOkResponse({ type: [BotFillResponseDto] })
  fills(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<BotFillDto[]> {
    return this.bots.fills(user, id);
  }

  @Sse(':id/events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'Server-sent `bot-event` events: the stored ones (after `Last-Event-ID`), then new ones',
  })
  async events(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<Observable<MessageEvent>> {
    const bot = await this.bots.findVisible(user, id);
    const after = Number(lastEventId);
    return this.bots.events(bot, Number.isSafeInteger(after) && after > 0 ? after : 0);
  }
}
