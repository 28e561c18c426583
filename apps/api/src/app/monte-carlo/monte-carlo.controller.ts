import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type JobDto, type MonteCarloReportDto } from '@gauntlet/contracts';
import { type Response } from 'express';
import { type AuthUser, MinRole } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import { JobResponseDto } from '../jobs/jobs.dto';
import { MonteCarloReportResponseDto, MonteCarloRequestDto } from './monte-carlo.dto';
import { MonteCarloService } from './monte-carlo.service';
import { acceptedJob } from '../jobs/accepted-job';

@ApiTags('monte-carlo')
@ApiBearerAuth()
@Controller('monte-carlo')
export class MonteCarloController {
  constructor(private readonly monteCarlo: MonteCarloService) {}

  @Post()
  @MinRole('researcher')
  @ApiAcceptedResponse({
    type: JobResponseDto,
    description: 'The job; the same request again returns the same job',
  })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: MonteCarloRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<JobDto> {
    return acceptedJob(res, await this.monteCarlo.create(user, body));
  }

  @Get(':id')
  @ApiOkResponse({ type: MonteCarloReportResponseDto })
  report(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<MonteCarloReportDto> {
    return this.monteCarlo.report(user, id);
  }
}
