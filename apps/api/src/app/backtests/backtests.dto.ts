import {
  type BacktestReportDto,
  type BacktestRequest,
  type EngineSemantics,
  type FeeSettings,
  type MetricsReport,
  type ParamValues,
  type Timeframe,
  TIMEFRAMES,
  type TradeDto,
} from '@gauntlet/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const finite = { allowNaN: false, allowInfinity: false };

export class FeeSettingsDto implements FeeSettings {
  @ApiPropertyOptional({
    description: 'Relative commission per fill (0.001 = 0.1%)',
    minimum: 0,
    maximum: 0.1,
  })
  @IsOptional()
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0, { message: 'must not be negative' })
  @Max(0.1, { message: 'must be at most 0.1 (10%)' })
  commission?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0, { message: 'must not be negative' })
  fixedPerFill?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000 })
  @IsOptional()
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0, { message: 'must not be negative' })
  @Max(1000, { message: 'must be at most 1000 bps' })
  slippageBps?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000 })
  @IsOptional()
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0, { message: 'must not be negative' })
  @Max(1000, { message: 'must be at most 1000 bps' })
  spreadBps?: number;
}

export class BacktestRequestDto implements BacktestRequest {
  @ApiProperty({ example: 'sma-crossover' })
  @IsString({ message: 'must be a string' })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  strategy!: string;

  @ApiProperty({ example: { fast: 10, slow: 30 }, type: 'object', additionalProperties: true })
  @IsObject({ message: 'must be an object of parameter values' })
  params!: ParamValues;

  @ApiProperty({ example: 'demo:BTCUSDT', description: '`exchange:symbol`' })
  @IsString({ message: 'must be a string' })
  @Matches(/^[a-z0-9_-]+:[A-Za-z0-9_.\-/]+$/, { message: 'must look like exchange:SYMBOL' })
  instrument!: string;

  @ApiProperty({ enum: TIMEFRAMES, example: '1h' })
  @IsIn(TIMEFRAMES, { message: `must be one of ${TIMEFRAMES.join(', ')}` })
  timeframe!: Timeframe;

  @ApiProperty({ example: '2024-01-01T00:00:00Z', description: 'Inclusive' })
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 timestamp' })
  from!: string;

  @ApiProperty({ example: '2024-03-01T00:00:00Z', description: 'Exclusive' })
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 timestamp' })
  to!: string;

  @ApiProperty({ example: 10000, minimum: 1, maximum: 1e12 })
  @IsNumber(finite, { message: 'must be a number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(1e12, { message: 'must be at most 1e12' })
  initialCash!: number;

  @ApiPropertyOptional({ type: FeeSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FeeSettingsDto)
  fees?: FeeSettingsDto;

  @ApiPropertyOptional({ enum: ['gauntlet', 'backtesting.py'], default: 'gauntlet' })
  @IsOptional()
  @IsIn(['gauntlet', 'backtesting.py'], { message: 'must be gauntlet or backtesting.py' })
  semantics?: EngineSemantics;
}

export class TradeResponseDto implements TradeDto {
  @ApiProperty({ enum: ['long', 'short'] }) side!: 'long' | 'short';
  @ApiProperty() size!: number;
  @ApiProperty() entryBar!: number;
  @ApiProperty() exitBar!: number;
  @ApiProperty() entryTime!: string;
  @ApiProperty() exitTime!: string;
  @ApiProperty() entryPrice!: number;
  @ApiProperty() exitPrice!: number;
  @ApiProperty() pnl!: number;
  @ApiProperty() returnPct!: number;
  @ApiProperty() fees!: number;
}

export class BacktestReportResponseDto implements BacktestReportDto {
  @ApiProperty() jobId!: string;
  @ApiProperty({ type: BacktestRequestDto }) request!: BacktestRequestDto;
  @ApiProperty() dataVersion!: string;
  @ApiProperty() engineVersion!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'See docs/metrics.md' })
  metrics!: MetricsReport;
  @ApiProperty({ type: [TradeResponseDto] }) trades!: TradeResponseDto[];
  @ApiProperty({ type: 'object', properties: { equity: { type: 'string' }, job: { type: 'string' } } })
  links!: { equity: string; job: string };
}
