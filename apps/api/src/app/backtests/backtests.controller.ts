import { Body, Controller, Get, Param, Post, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type BacktestReportDto, type JobDto } from '@gauntlet/contracts';
import { type Response } from 'express';
import { type AuthUser, MinRole } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import { JobResponseDto } from '../jobs/jobs.dto';
import { BacktestReportResponseDto, BacktestRequestDto } from './backtests.dto';
import { BacktestsService } from './backtests.service';
import { acceptedJob } from '../jobs/accepted-job';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

@ApiTags('backtests')
@ApiBearerAuth()
@Controller('backtests')
export class BacktestsController {
  constructor(private readonly backtests: BacktestsService) {}

  @Post()
  @MinRole('researcher')
  @ApiAcceptedResponse({
    type: JobResponseDto,
    description: 'The job; the same request again returns the same job',
  })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: BacktestRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<JobDto> {
    return acceptedJob(res, await this.backtests.create(user, body));
  }

  @Get(':id')
  @ApiOkResponse({ type: BacktestReportResponseDto })
  report(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<BacktestReportDto> {
    return this.backtests.report(user, id);
  }

  @Get(':id/equity')
  @ApiProduces(ARROW_STREAM)
  @ApiOkResponse({ description: 'Equity curve as an Arrow IPC stream: time (epoch ms), equity, drawdownPct' })
  async equity(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const bytes = await this.backtests.equity(user, id);
    res.setHeader('Content-Type', ARROW_STREAM);
    return new StreamableFile(bytes, { type: ARROW_STREAM, length: bytes.length });
  }
}
