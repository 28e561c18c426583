import {
  type CanonicalMonteCarloInput,
  MONTE_CARLO_METHODS,
  type MonteCarloMethodName,
  type MonteCarloReportDto,
  type MonteCarloRequest,
  type ParamValues,
  type PerturbationSummary,
  type PercentileBands,
  type PercentileSummary,
} from '@gauntlet/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const finite = { allowNaN: false, allowInfinity: false };

export class MonteCarloRequestDto implements MonteCarloRequest {
  @ApiProperty({ example: 'bt_0123456789abcdef0123456789abcdef' })
  @IsString({ message: 'must be a string' })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  backtestId!: string;

  @ApiProperty({ enum: MONTE_CARLO_METHODS })
  @IsIn(MONTE_CARLO_METHODS, { message: `must be one of ${MONTE_CARLO_METHODS.join(', ')}` })
  method!: MonteCarloMethodName;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 100000,
    default: 1000,
    description: 'Default 200 and at most 5000 for `perturbation`, where each run is a full backtest',
  })
  @IsOptional()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(100_000, { message: 'must be at most 100000' })
  runs?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 4294967295, default: 1 })
  @IsOptional()
  @IsInt({ message: 'must be an integer' })
  @Min(0, { message: 'must not be negative' })
  @Max(4294967295, { message: 'must be at most 4294967295' })
  seed?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10000 })
  @IsOptional()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(10_000, { message: 'must be at most 10000' })
  blockLength?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: 0.1 })
  @IsOptional()
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0, { message: 'must be at least 0' })
  @Max(1, { message: 'must be at most 1' })
  skipProbability?: number;

  @ApiPropertyOptional({ minimum: 0.01, maximum: 1, default: 0.5 })
  @IsOptional()
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0.01, { message: 'must be at least 0.01' })
  @Max(1, { message: 'must be at most 1' })
  ruinLoss?: number;

  @ApiPropertyOptional({
    minimum: 0.001,
    maximum: 1,
    default: 0.1,
    description:
      'For `perturbation`: each int/float parameter of the backtest moves by a uniform relative amount within ±this (0.1 = ±10%), clamped to its range',
  })
  @IsOptional()
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0.001, { message: 'must be at least 0.001' })
  @Max(1, { message: 'must be at most 1' })
  perturbation?: number;
}

class PercentileBandsDto implements PercentileBands {
  @ApiProperty({ type: [Number] }) p5!: number[];
  @ApiProperty({ type: [Number] }) p25!: number[];
  @ApiProperty({ type: [Number] }) p50!: number[];
  @ApiProperty({ type: [Number] }) p75!: number[];
  @ApiProperty({ type: [Number] }) p95!: number[];
}

class PercentileSummaryDto implements PercentileSummary {
  @ApiProperty() p5!: number;
  @ApiProperty() p25!: number;
  @ApiProperty() p50!: number;
  @ApiProperty() p75!: number;
  @ApiProperty() p95!: number;
}

class PerturbationSummaryDto implements PerturbationSummary {
  @ApiProperty() relative!: number;
  @ApiProperty({ type: [String] }) params!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) base!: ParamValues;
  @ApiProperty({ type: PercentileSummaryDto }) tradeCount!: PercentileSummaryDto;
}

class HistogramDto {
  @ApiProperty({ type: [Number] }) edges!: number[];
  @ApiProperty({ type: [Number] }) counts!: number[];
}

export class MonteCarloReportResponseDto implements MonteCarloReportDto {
  @ApiProperty() jobId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) input!: CanonicalMonteCarloInput;
  @ApiProperty() runs!: number;
  @ApiProperty() trades!: number;
  @ApiProperty({ type: PercentileBandsDto }) equity!: PercentileBandsDto;
  @ApiProperty({ type: PercentileBandsDto }) drawdown!: PercentileBandsDto;
  @ApiProperty({ type: PercentileSummaryDto }) finalReturn!: PercentileSummaryDto;
  @ApiProperty({ type: PercentileSummaryDto }) maxDrawdown!: PercentileSummaryDto;
  @ApiProperty({ type: HistogramDto }) finalReturnHistogram!: HistogramDto;
  @ApiProperty({ type: HistogramDto }) maxDrawdownHistogram!: HistogramDto;
  @ApiProperty() probabilityOfRuin!: number;
  @ApiPropertyOptional({
    type: [String],
    description: '`perturbation`: the bars the bands are sampled at (the other methods step per trade)',
  })
  stepTimes?: string[];
  @ApiPropertyOptional({ type: PerturbationSummaryDto }) perturbation?: PerturbationSummaryDto;
  @ApiProperty({ type: 'object', properties: { job: { type: 'string' }, backtest: { type: 'string' } } })
  links!: { job: string; backtest: string };
}
