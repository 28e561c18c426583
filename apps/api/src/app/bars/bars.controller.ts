import { Controller, Get, Headers, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type BarDto } from '@gauntlet/contracts';
import { type Response } from 'express';
import { ARROW_STREAM } from '../backtests/backtests.controller';
import { BarResponseDto, BarsQueryDto } from './bars.dto';
import { BarsService } from './bars.service';

@ApiTags('bars')
@ApiBearerAuth()
@Controller('bars')
export class BarsController {
  constructor(private readonly bars: BarsService) {}

  @Get()
  @ApiProduces('application/json', ARROW_STREAM)
  @ApiOkResponse({
    type: [BarResponseDto],
    headers: {
      'X-Bars-Source': {
        description: 'The stored series that answered: 1m, native-<timeframe>, or none',
        schema: { type: 'string' },
      },
    },
    description: `OHLCV bars in [from, to), from one stored series per instrument and timeframe (X-Bars-Source: 1m, native-<timeframe> or none; see docs/market-data.md); as an Arrow IPC stream (time as epoch ms, open, high, low, close, volume) when the request accepts ${ARROW_STREAM}`,
  })
  async list(
    @Query() query: BarsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BarDto[] | StreamableFile> {
    const { bars, source } = await this.bars.load(query);
    // Which stored series answered: 1m (resampled 1-minute base) or native-<tf> (imported bars).
    res.setHeader('X-Bars-Source', source ?? 'none');
    if (!accept?.includes(ARROW_STREAM)) return this.bars.toJson(bars);
    res.setHeader('Content-Type', ARROW_STREAM);
    return new StreamableFile(this.bars.toArrow(bars), { type: ARROW_STREAM });
  }
}
