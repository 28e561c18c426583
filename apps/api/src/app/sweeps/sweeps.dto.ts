import {
  type CanonicalSweepInput,
  type OverfittingReport,
  type ParamValues,
  SWEEP_OBJECTIVES,
  SWEEP_SORT_KEYS,
  type SweepConstraints,
  type SweepMetricsDto,
  type SweepReportDto,
  type SweepRequest,
  type SweepResultRow,
  type SweepResultsQuery,
  type SweepSortKey,
  type SweepSpace,
} from '@gauntlet/contracts';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { BacktestRequestDto } from '../backtests/backtests.dto';

export class SweepConstraintsDto implements SweepConstraints {
  @ApiPropertyOptional({ minimum: 0, description: 'Cells with fewer trades are not ranked' })
  @IsOptional()
  @IsInt({ message: 'must be an integer' })
  @Min(0, { message: 'must not be negative' })
  minTrades?: number;

  @ApiPropertyOptional({ type: [String], example: ['slow >= 2 * fast'] })
  @IsOptional()
  @IsArray({ message: 'must be a list of rules' })
  @IsString({ each: true, message: 'each rule must be a string' })
  @MaxLength(500, { each: true, message: 'each rule must be at most 500 characters' })
  params?: string[];
}

/** A backtest's data range and engine settings, with a parameter space in place of one parameter set. */
export class SweepRequestDto
  extends OmitType(BacktestRequestDto, ['params'] as const)
  implements SweepRequest
{
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { direction: 'long-only' } })
  @IsOptional()
  @IsObject({ message: 'must be an object of parameter values' })
  fixed?: ParamValues;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { kind: 'grid', axes: [{ name: 'fast', values: [5, 10, 20] }] },
    description:
      '`{kind: "grid", axes?}` (no axes: every parameter over its declared range), `{kind: "random", count, seed, axes?}` or ' +
      '`{kind: "tpe", trials, seed, roundSize?, startup?, axes?}` (adaptive: a seeded Tree-structured Parzen Estimator ' +
      'proposes `trials` cells in rounds of `roundSize`, each round from the results of the earlier ones)',
  })
  @IsObject({ message: 'must be an object' })
  space!: SweepSpace;

  @ApiPropertyOptional({ enum: SWEEP_OBJECTIVES, default: 'returnPct' })
  @IsOptional()
  @IsIn(SWEEP_OBJECTIVES, { message: `must be one of ${SWEEP_OBJECTIVES.join(', ')}` })
  objective?: string;

  @ApiPropertyOptional({ enum: ['max', 'min'], default: 'max' })
  @IsOptional()
  @IsIn(['max', 'min'], { message: 'must be max or min' })
  direction?: 'max' | 'min';

  @ApiPropertyOptional({ type: SweepConstraintsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SweepConstraintsDto)
  constraints?: SweepConstraintsDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(100, { message: 'must be at most 100' })
  topN?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5000 })
  @IsOptional()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(5000, { message: 'must be at most 5000' })
  batchSize?: number;
}

export class SweepMetricsResponseDto implements SweepMetricsDto {
  @ApiProperty({ nullable: true, type: Number }) equityFinal!: number | null;
  @ApiProperty({ nullable: true, type: Number }) equityPeak!: number | null;
  @ApiProperty({ nullable: true, type: Number }) returnPct!: number | null;
  @ApiProperty({ nullable: true, type: Number }) maxDrawdownPct!: number | null;
  @ApiProperty() tradeCount!: number;
  @ApiProperty({ nullable: true, type: Number }) winRatePct!: number | null;
  @ApiProperty({ nullable: true, type: Number }) profitFactor!: number | null;
  @ApiProperty() feesPaid!: number;
}

export class SweepResultRowDto implements SweepResultRow {
  @ApiProperty() index!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: ParamValues;
  @ApiProperty({ type: SweepMetricsResponseDto }) metrics!: SweepMetricsResponseDto;
  @ApiProperty({ nullable: true, type: Number }) objective!: number | null;
  @ApiProperty() passed!: boolean;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
}

export class OverfittingReportDto implements OverfittingReport {
  @ApiProperty() trials!: number;
  @ApiProperty({ nullable: true, type: Number }) deflatedSharpe!: number | null;
  @ApiProperty({ nullable: true, type: Number }) pbo!: number | null;
  @ApiProperty() reading!: string;
}

export class SweepReportResponseDto implements SweepReportDto {
  @ApiProperty() jobId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) input!: CanonicalSweepInput;
  @ApiProperty() dataVersion!: string;
  @ApiProperty() engineVersion!: string;
  @ApiProperty() trials!: number;
  @ApiProperty() passed!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ type: [SweepResultRowDto] }) top!: SweepResultRowDto[];
  @ApiProperty({ type: OverfittingReportDto, nullable: true }) overfitting!: OverfittingReportDto | null;
  @ApiProperty({ type: 'object', properties: { job: { type: 'string' }, results: { type: 'string' } } })
  links!: { job: string; results: string };
}

export class SweepResultsQueryDto implements SweepResultsQuery {
  @ApiPropertyOptional({ enum: SWEEP_SORT_KEYS, default: 'index' })
  @IsOptional()
  @IsIn(SWEEP_SORT_KEYS, { message: `must be one of ${SWEEP_SORT_KEYS.join(', ')}` })
  sort?: SweepSortKey;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'must be asc or desc' })
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(1000, { message: 'must be at most 1000' })
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(0, { message: 'must not be negative' })
  offset?: number;
}

export class SweepResultsPageDto {
  @ApiProperty({ type: [SweepResultRowDto] }) items!: SweepResultRowDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
