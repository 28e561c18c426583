import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  type FieldError,
  type FundingRateDto,
  type ImportResultDto,
  type InstrumentCoverageDto,
  type SyncJobDto,
  type SyncRequestDto,
  type Timeframe,
  TIMEFRAMES,
} from '@gauntlet/contracts';
import { type Request, type Response } from 'express';
import { type AuthUser, MinRole } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import { validationError } from '../common/errors';
import { DataService } from './data.service';

@ApiTags('data')
@ApiBearerAuth()
@Controller('data')
export class DataController {
  constructor(private readonly data: DataService) {}

  @Post('imports')
  @MinRole('researcher')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'exchange', 'symbol'],
      properties: {
        file: { type: 'string', format: 'binary' },
        series: {
          type: 'string',
          enum: ['bars', 'funding'],
          default: 'bars',
          description: 'bars (CSV, freqtrade JSON, Feather/Arrow) or funding rates (Feather/Arrow)',
        },
        exchange: { type: 'string' },
        symbol: { type: 'string' },
        timeframe: {
          type: 'string',
          enum: [...TIMEFRAMES],
          default: '1m',
          description: "The bars' interval (not for funding rates)",
        },
        skipInvalid: { type: 'boolean', default: false },
        kind: { type: 'string', enum: ['spot', 'perpetual'] },
        quoteCurrency: { type: 'string' },
      },
    },
  })
  @ApiOkResponse({
    description:
      'The import: 201 when bars or funding rates were written, 200 when the file was already the latest import of that series, 400 with the validation report (every bad row, with its line) when nothing was imported; 413 past IMPORT_MAX_BYTES',
  })
  async import(
    @CurrentUser() user: AuthUser,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportResultDto> {
    const result = await this.data.importUpload(req, res, user.id);
    res.status(result.status === 'imported' ? 201 : result.status === 'unchanged' ? 200 : 400);
    return result;
  }

  @Get('coverage')
  @ApiQuery({ name: 'instrument', required: false })
  @ApiQuery({
    name: 'minMissingBars',
    required: false,
    description: 'Report gaps of more missing bars (of each timeframe) than this (default 1)',
  })
  @ApiQuery({ name: 'timeframe', required: false, enum: TIMEFRAMES, description: 'Only this timeframe' })
  @ApiOkResponse({
    description:
      'Per instrument: the 1-minute base (first and last bar, count, gaps), every timeframe as GET /api/bars serves it (source, range, count, gaps in bars of that timeframe), and the funding rates stored',
  })
  coverage(
    @Query('instrument') instrument?: string,
    @Query('minMissingBars') minMissingBars?: string,
    @Query('timeframe') timeframe?: string,
  ): Promise<InstrumentCoverageDto[]> {
    const min = minMissingBars === undefined ? 1 : Number(minMissingBars);
    const errors: FieldError[] = [];
    if (!Number.isInteger(min) || min < 0)
      errors.push({ field: 'minMissingBars', reason: 'must be a whole number >= 0' });
    if (timeframe !== undefined && !(TIMEFRAMES as readonly string[]).includes(timeframe))
      errors.push({ field: 'timeframe', reason: `must be one of ${TIMEFRAMES.join(', ')}` });
    if (errors.length > 0) throw validationError(errors);
    return this.data.coverage(instrument, min, timeframe as Timeframe | undefined);
  }

  @Get('funding')
  @ApiQuery({ name: 'instrument', required: true, example: 'binance:XRP/USDT' })
  @ApiQuery({ name: 'from', required: true, description: 'ISO 8601, inclusive' })
  @ApiQuery({ name: 'to', required: true, description: 'ISO 8601, exclusive' })
  @ApiOkResponse({ description: 'Stored funding rates with time in [from, to), oldest first' })
  funding(
    @Query('instrument') instrument?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ): Promise<FundingRateDto[]> {
    return this.data.fundingRates(instrument, from, to);
  }

  @Post('syncs')
  @MinRole('researcher')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['exchange', 'symbol', 'from'],
      properties: {
        exchange: { type: 'string', enum: ['bybit', 'binance'] },
        symbol: { type: 'string' },
        kind: { type: 'string', enum: ['spot', 'perpetual'], default: 'spot' },
        from: { type: 'string', format: 'date-time' },
        to: { type: 'string', format: 'date-time' },
        funding: { type: 'boolean' },
        continuous: { type: 'boolean' },
        everySeconds: { type: 'integer', default: 60 },
      },
    },
  })
  @ApiOkResponse({ description: 'The sync job (202); the same request again returns the same job' })
  async submitSync(
    @CurrentUser() user: AuthUser,
    @Body() body: SyncRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SyncJobDto> {
    const { job, created } = await this.data.submitSync(body, user);
    res.status(202).location(`/api/data/syncs/${job.id}`);
    res.setHeader('X-Job-Created', created ? 'true' : 'false');
    return job;
  }

  @Get('syncs')
  @ApiOkResponse({
    description:
      "The caller's sync jobs (those they submitted), newest first, at most 100; an admin sees every sync job on the queues",
  })
  syncs(@CurrentUser() user: AuthUser): Promise<SyncJobDto[]> {
    return this.data.listSyncs(user);
  }

  @Get('syncs/:id')
  @ApiOkResponse({ description: 'A sync job: state, progress, bars stored, last bar, error' })
  sync(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<SyncJobDto> {
    return this.data.sync(id, user);
  }
}
