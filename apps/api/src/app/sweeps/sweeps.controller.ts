import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type JobDto, type Page, type SweepReportDto, type SweepResultRow } from '@gauntlet/contracts';
import { type Response } from 'express';
import { type AuthUser, MinRole } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import { JobResponseDto } from '../jobs/jobs.dto';
import {
  SweepReportResponseDto,
  SweepRequestDto,
  SweepResultsPageDto,
  SweepResultsQueryDto,
} from './sweeps.dto';
import { SweepsService } from './sweeps.service';
import { acceptedJob } from '../jobs/accepted-job';

@ApiTags('sweeps')
@ApiBearerAuth()
@Controller('sweeps')
export class SweepsController {
  constructor(private readonly sweeps: SweepsService) {}

  @Post()
  @MinRole('researcher')
  @ApiAcceptedResponse({
    type: JobResponseDto,
    description: 'The job; the same request again returns the same job',
  })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: SweepRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<JobDto> {
    return acceptedJob(res, await this.sweeps.create(user, body));
  }

  @Get(':id')
  @ApiOkResponse({ type: SweepReportResponseDto })
  report(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<SweepReportDto> {
    return this.sweeps.report(user, id);
  }

  @Get(':id/results')
  @ApiOkResponse({ type: SweepResultsPageDto })
  results(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Query() query: SweepResultsQueryDto,
  ): Promise<Page<SweepResultRow>> {
    return this.sweeps.results(user, id, query);
  }
}
