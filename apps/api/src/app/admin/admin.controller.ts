import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type QueueSummaryDto, type SyncJobDto } from '@gauntlet/contracts';
import { MinRole } from '../auth/auth.types';
import { type NotificationJobDto } from './admin.dto';
import { AdminService } from './admin.service';

@ApiTags('admin')
@ApiBearerAuth()
@MinRole('admin')
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('queues')
  @ApiOkResponse({
    description:
      'Every BullMQ queue: job counts (waiting, active, completed, failed, delayed, paused, prioritized), the 20 most recent failed jobs with their reasons, and the repeating jobs',
  })
  @ApiForbiddenResponse({ description: 'Not an admin' })
  queues(): Promise<QueueSummaryDto[]> {
    return this.admin.queueSummaries();
  }

  @Post('queues/:queue/jobs/:id/retry')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The job, moved from failed back to waiting' })
  @ApiNotFoundResponse({ description: 'No such queue or job' })
  @ApiConflictResponse({ description: 'The job is not failed' })
  @ApiForbiddenResponse({ description: 'Not an admin' })
  retry(@Param('queue') queue: string, @Param('id') id: string): Promise<SyncJobDto | NotificationJobDto> {
    return this.admin.retry(queue, id);
  }
}
