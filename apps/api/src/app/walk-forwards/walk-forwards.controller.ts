import { Body, Controller, Get, Param, Post, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type JobDto, type WalkForwardReportDto } from '@gauntlet/contracts';
import { type Response } from 'express';
import { type AuthUser, MinRole } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import { ARROW_STREAM } from '../backtests/backtests.controller';
import { JobResponseDto } from '../jobs/jobs.dto';
import { WalkForwardReportResponseDto, WalkForwardRequestDto } from './walk-forwards.dto';
import { WalkForwardsService } from './walk-forwards.service';
import { acceptedJob } from '../jobs/accepted-job';

@ApiTags('walk-forwards')
@ApiBearerAuth()
@Controller('walk-forwards')
export class WalkForwardsController {
  constructor(private readonly walkForwards: WalkForwardsService) {}

  @Post()
  @MinRole('researcher')
  @ApiAcceptedResponse({
    type: JobResponseDto,
    description: 'The job; the same request again returns the same job',
  })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: WalkForwardRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<JobDto> {
    return acceptedJob(res, await this.walkForwards.create(user, body));
  }

  @Get(':id')
  @ApiOkResponse({ type: WalkForwardReportResponseDto })
  report(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<WalkForwardReportDto> {
    return this.walkForwards.report(user, id);
  }

  @Get(':id/equity')
  @ApiProduces(ARROW_STREAM)
  @ApiOkResponse({
    description: 'Stitched out-of-sample equity as an Arrow IPC stream: time, equity, drawdownPct',
  })
  async equity(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const bytes = await this.walkForwards.equity(user, id);
    res.setHeader('Content-Type', ARROW_STREAM);
    return new StreamableFile(bytes, { type: ARROW_STREAM, length: bytes.length });
  }
}
