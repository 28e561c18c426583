import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type ScheduleDetailDto, type ScheduleDto } from '@gauntlet/contracts';
import { type AuthUser, MinRole } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import { ScheduleDetailResponseDto, ScheduleRequestDto, ScheduleResponseDto } from './schedules.dto';
import { SchedulesService } from './schedules.service';

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post()
  @MinRole('researcher')
  @ApiCreatedResponse({
    type: ScheduleDetailResponseDto,
    description: 'The schedule; each run starts a walk-forward job over the newest data',
  })
  create(@CurrentUser() user: AuthUser, @Body() body: ScheduleRequestDto): Promise<ScheduleDetailDto> {
    return this.schedules.create(user, body);
  }

  @Get()
  @ApiOkResponse({
    type: [ScheduleResponseDto],
    description: 'Your schedules (every one for an admin), newest first',
  })
  list(@CurrentUser() user: AuthUser): Promise<ScheduleDto[]> {
    return this.schedules.list(user);
  }

  @Get(':id')
  @ApiOkResponse({ type: ScheduleDetailResponseDto, description: "Temporal's state and the recorded runs" })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ScheduleDetailDto> {
    return this.schedules.get(user, id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @MinRole('researcher')
  @ApiOkResponse({ type: ScheduleDetailResponseDto })
  pause(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ScheduleDetailDto> {
    return this.schedules.pause(user, id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @MinRole('researcher')
  @ApiOkResponse({ type: ScheduleDetailResponseDto })
  resume(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ScheduleDetailDto> {
    return this.schedules.resume(user, id);
  }

  @Post(':id/trigger')
  @HttpCode(202)
  @MinRole('researcher')
  @ApiAcceptedResponse({ type: ScheduleResponseDto, description: 'A run starts now, even while paused' })
  trigger(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ScheduleDto> {
    return this.schedules.trigger(user, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @MinRole('researcher')
  @ApiNoContentResponse({ description: 'The Temporal Schedule, the schedule and its recorded runs are gone' })
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.schedules.remove(user, id);
  }
}
