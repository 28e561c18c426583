import {
  type GraduationCriteria,
  type GraduationDecision,
  type GraduationDto,
  type GraduationEvaluation,
  type GraduationPeriods,
  GRADUATION_STATUSES,
  type GraduationStatus,
  type GraduationStepDto,
  type ParamValues,
} from '@gauntlet/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { BotSizingDto } from '../bots/bots.dto';

const finite = { allowNaN: false, allowInfinity: false };
const DAY = 86_400_000;

export class GraduationCriteriaDto implements GraduationCriteria {
  @ApiProperty({ example: 10, description: 'Closed paper trades, at least' })
  @IsInt({ message: 'must be a whole number' })
  @Min(0, { message: 'must not be negative' })
  minTrades!: number;

  @ApiProperty({ example: 0.5, description: 'Annualised Sharpe of the paper equity curve, at least' })
  @IsNumber(finite, { message: 'must be a number' })
  minSharpe!: number;

  @ApiProperty({ example: 20, description: 'Paper max drawdown, percent, at most' })
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0, { message: 'must not be negative' })
  @Max(100, { message: 'must be at most 100' })
  maxDrawdownPct!: number;

  @ApiProperty({
    example: 0.001,
    description: 'RMS of per-trade return differences against the engine replay (fractions), at most',
  })
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0, { message: 'must not be negative' })
  maxTrackingError!: number;
}

export class GraduationPeriodsDto implements GraduationPeriods {
  @ApiProperty({ example: 604_800_000, description: 'Paper evaluation period, wall-clock ms' })
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(1_000, { message: 'must be at least 1000' })
  @Max(365 * DAY, { message: 'must be at most a year' })
  paperMs!: number;

  @ApiProperty({ example: 172_800_000, description: 'Time an admin has to decide, ms' })
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(1_000, { message: 'must be at least 1000' })
  @Max(90 * DAY, { message: 'must be at most 90 days' })
  approvalTimeoutMs!: number;

  @ApiProperty({ example: 86_400_000, description: 'Time at each capital step, ms' })
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(500, { message: 'must be at least 500' })
  @Max(90 * DAY, { message: 'must be at most 90 days' })
  rampIntervalMs!: number;

  @ApiProperty({ example: 60_000, description: "How often the live bot's health is checked, ms" })
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(200, { message: 'must be at least 200' })
  @Max(DAY, { message: 'must be at most a day' })
  checkMs!: number;
}

export class GraduationFeedDto {
  @ApiPropertyOptional({
    enum: ['replay', 'live'],
    default: 'replay',
    description: '`replay`: stored bars from `from`; `live`: the exchange as it trades',
  })
  @IsOptional()
  @IsIn(['replay', 'live'], { message: 'must be replay or live' })
  kind?: 'replay' | 'live';

  @ApiPropertyOptional({
    description:
      "First bar. Replay: default the backtest's end (out of sample). Live: the warm-up history, default 1,000 bars back",
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 timestamp' })
  from?: string;

  @ApiProperty({ example: 60_000, description: 'Wall-clock ms between bot steps' })
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(100, { message: 'must be at least 100' })
  @Max(DAY, { message: 'must be at most 86400000 (a day)' })
  stepMs!: number;
}

export class CreateGraduationRequestDto {
  @ApiProperty({
    description:
      "A completed backtest of the caller's: its strategy, parameters, instrument, timeframe and fees",
  })
  @IsString({ message: 'must be a string' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  backtestId!: string;

  @ApiProperty({ description: "One of the caller's venue accounts, for the live bot" })
  @IsUUID('all', { message: 'must be a venue account id' })
  venueAccountId!: string;

  @ApiProperty({ example: 10_000, description: 'Capital the live bot reaches at the end of the ramp' })
  @IsNumber(finite, { message: 'must be a number' })
  @Min(Number.MIN_VALUE, { message: 'must be greater than 0' })
  @Max(1e12, { message: 'must be at most 1e12' })
  targetCapital!: number;

  @ApiPropertyOptional({ description: "Paper account's capital; default the backtest's initial cash" })
  @IsOptional()
  @IsNumber(finite, { message: 'must be a number' })
  @Min(Number.MIN_VALUE, { message: 'must be greater than 0' })
  @Max(1e12, { message: 'must be at most 1e12' })
  paperCapital?: number;

  @ApiPropertyOptional({
    example: [0.25, 0.5, 1],
    description: 'Fractions of the target capital, increasing, each in (0, 1], the last 1',
  })
  @IsOptional()
  @IsArray({ message: 'must be an array of fractions' })
  @ArrayMinSize(1, { message: 'must have at least one step' })
  @ArrayMaxSize(20, { message: 'must have at most 20 steps' })
  @IsNumber(finite, { each: true, message: 'must be numbers' })
  rampSteps?: number[];

  @ApiProperty({ type: GraduationCriteriaDto })
  @ValidateNested()
  @Type(() => GraduationCriteriaDto)
  criteria!: GraduationCriteriaDto;

  @ApiProperty({ type: GraduationPeriodsDto })
  @ValidateNested()
  @Type(() => GraduationPeriodsDto)
  periods!: GraduationPeriodsDto;

  @ApiProperty({ type: GraduationFeedDto })
  @ValidateNested()
  @Type(() => GraduationFeedDto)
  feed!: GraduationFeedDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "The bots' risk limits (see docs/trading.md); a live breach demotes to paper",
  })
  @IsOptional()
  riskLimits?: unknown;

  @ApiPropertyOptional({ type: BotSizingDto, description: 'Default all-in' })
  @IsOptional()
  @ValidateNested()
  @Type(() => BotSizingDto)
  sizing?: BotSizingDto;
}

export class GraduationDecisionRequestDto {
  @ApiProperty({ enum: ['approve', 'reject'] })
  @IsIn(['approve', 'reject'], { message: 'must be approve or reject' })
  decision!: 'approve' | 'reject';

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MaxLength(500, { message: 'must be at most 500 characters' })
  note?: string;
}

export class GraduationStepResponseDto implements GraduationStepDto {
  @ApiProperty() seq!: number;
  @ApiProperty({ example: 'capital-raised' }) step!: string;
  @ApiProperty({ enum: GRADUATION_STATUSES }) status!: GraduationStatus;
  @ApiProperty() message!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  data!: Record<string, unknown> | null;
  @ApiProperty() time!: string;
}

export class GraduationResponseDto implements GraduationDto {
  @ApiProperty() id!: string;
  @ApiProperty() ownerId!: string;
  @ApiProperty() backtestId!: string;
  @ApiProperty() strategy!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: ParamValues;
  @ApiProperty() instrument!: string;
  @ApiProperty() venueAccountId!: string;
  @ApiProperty({ enum: GRADUATION_STATUSES }) status!: GraduationStatus;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: GraduationCriteriaDto }) criteria!: GraduationCriteria;
  @ApiProperty({ type: GraduationPeriodsDto }) periods!: GraduationPeriods;
  @ApiProperty({ type: [Number] }) rampSteps!: number[];
  @ApiProperty() targetCapital!: number;
  @ApiProperty() paperCapital!: number;
  @ApiProperty() capitalFraction!: number;
  @ApiProperty({ type: String, nullable: true }) paperBotId!: string | null;
  @ApiProperty({ type: String, nullable: true }) liveBotId!: string | null;
  @ApiProperty({ type: String, nullable: true }) demotedBotId!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Paper metrics, the engine replay, the trade-by-trade comparison and each criterion',
  })
  evaluation!: GraduationEvaluation | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  decision!: GraduationDecision | null;
  @ApiProperty({ type: [GraduationStepResponseDto] }) steps!: GraduationStepDto[];
  @ApiProperty() workflowId!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  links!: { self: string; decision: string; backtest: string };
}
