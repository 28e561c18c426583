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
    description: `OHLCV bars in [from, to); as an Arrow IPC stream (time as epoch ms, open, high, low, close, volume) when the request accepts ${ARROW_STREAM}`,
  })
  async list(
    @Query() query: BarsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BarDto[] | StreamableFile> {
    const bars = await this.bars.load(query);
    if (!accept?.includes(ARROW_STREAM)) return this.bars.toJson(bars);
    const bytes = this.bars.toArrow(bars);
    res.setHeader('Content-Type', ARROW_STREAM);
    return new StreamableFile(bytes, { type: ARROW_STREAM, length: bytes.length });
  }
}
