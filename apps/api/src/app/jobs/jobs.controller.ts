import { Controller, Get, HttpCode, type MessageEvent, Param, Post, Query, Sse } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type JobDto, type Page } from '@gauntlet/contracts';
import { type Observable } from 'rxjs';
import { type AuthUser, MinRole } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import { JobListQueryDto, JobPageDto, JobResponseDto } from './jobs.dto';
import { JobsService } from './jobs.service';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @ApiOkResponse({ type: JobPageDto })
  list(@CurrentUser() user: AuthUser, @Query() query: JobListQueryDto): Promise<Page<JobDto>> {
    return this.jobs.list(user, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: JobResponseDto })
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<JobDto> {
    return this.jobs.toDto(await this.jobs.findVisible(user, id));
  }

  @Sse(':id/events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'Server-sent `progress` events until the job ends' })
  async events(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<Observable<MessageEvent>> {
    await this.jobs.findVisible(user, id);
    return this.jobs.events(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @MinRole('researcher')
  @ApiAcceptedResponse({ type: JobResponseDto })
  cancel(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<JobDto> {
    return this.jobs.cancel(user, id);
  }
}
