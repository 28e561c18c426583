import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  type ImportResultDto,
  type InstrumentCoverageDto,
  type SyncJobDto,
  type SyncRequestDto,
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
        exchange: { type: 'string' },
        symbol: { type: 'string' },
        timeframe: { type: 'string', default: '1m' },
        skipInvalid: { type: 'boolean', default: false },
        kind: { type: 'string', enum: ['spot', 'perpetual'] },
        quoteCurrency: { type: 'string' },
      },
    },
  })
  @ApiOkResponse({
    description:
      'The import: 201 when bars were written, 200 when the file was already the latest import, 400 with the validation report (every bad row, with its line) when nothing was imported; 413 past IMPORT_MAX_BYTES',
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
    description: 'Report gaps of more missing 1-minute bars than this (default 1)',
  })
  @ApiOkResponse({ description: 'Per instrument: first and last 1-minute bar, count, and the gaps' })
  coverage(
    @Query('instrument') instrument?: string,
    @Query('minMissingBars') minMissingBars?: string,
  ): Promise<InstrumentCoverageDto[]> {
    const min = minMissingBars === undefined ? 1 : Number(minMissingBars);
    if (!Number.isInteger(min) || min < 0)
      throw validationError([{ field: 'minMissingBars', reason: 'must be a whole number >= 0' }]);
    return this.data.coverage(instrument, min);
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
    @Body() body: SyncRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SyncJobDto> {
    const { job, created } = await this.data.submitSync(body);
    res.status(202).location(`/api/data/syncs/${job.id}`);
    res.setHeader('X-Job-Created', created ? 'true' : 'false');
    return job;
  }

  @Get('syncs/:id')
  @ApiOkResponse({ description: 'A sync job: state, progress, bars stored, last bar, error' })
  sync(@Param('id') id: string): Promise<SyncJobDto> {
    return this.data.sync(id);
  }
}
