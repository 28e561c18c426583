import {
  BOT_COMMANDS,
  type BotCommand,
  type BotConfig,
  type BotDto,
  type BotEventDto,
  type BotFillDto,
  type BotMode,
  type BotOrderDto,
  type BotSizing,
  type BotState,
  type BotStatus,
  type KillSwitchResult,
  type ParamValues,
  type Timeframe,
  TIMEFRAMES,
} from '@gauntlet/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { FeeSettingsDto } from '../backtests/backtests.dto';

const finite = { allowNaN: false, allowInfinity: false };

export class BotFeedDto {
  @ApiProperty({
    enum: ['replay', 'live'],
    description:
      '`replay`: stored bars, one per step; `live`: the exchange as it trades (a bybit: or binance: instrument)',
  })
  @IsIn(['replay', 'live'], { message: 'must be replay or live' })
  kind!: 'replay' | 'live';

  @ApiProperty({
    example: '2024-01-01T00:00:00Z',
    description: 'First bar: replayed from here, or (live) the history the strategy warms up on',
  })
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 timestamp' })
  from!: string;

  @ApiPropertyOptional({ enum: TIMEFRAMES, default: '1m' })
  @IsOptional()
  @IsIn(TIMEFRAMES, { message: `must be one of ${TIMEFRAMES.join(', ')}` })
  timeframe?: Timeframe;

  @ApiProperty({
    example: 1000,
    minimum: 100,
    maximum: 86_400_000,
    description: 'Wall-clock ms between steps',
  })
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(100, { message: 'must be at least 100' })
  @Max(86_400_000, { message: 'must be at most 86400000 (a day)' })
  stepMs!: number;
}

export class BotSizingDto {
  @ApiProperty({ enum: ['all-in', 'units', 'cash', 'equity'] })
  @IsIn(['all-in', 'units', 'cash', 'equity'], { message: 'must be all-in, units, cash or equity' })
  kind!: BotSizing['kind'];

  @ApiPropertyOptional({ description: 'For units' })
  @IsOptional()
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0, { message: 'must not be negative' })
  units?: number;

  @ApiPropertyOptional({ description: 'For cash' })
  @IsOptional()
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0, { message: 'must not be negative' })
  amount?: number;

  @ApiPropertyOptional({ description: 'For equity (0..1]' })
  @IsOptional()
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0, { message: 'must not be negative' })
  @Max(1, { message: 'must be at most 1' })
  fraction?: number;
}

export class CreateBotRequestDto {
  @ApiProperty({ example: 'btc sma paper' })
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(100, { message: 'must be at most 100 characters' })
  name!: string;

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

  @ApiProperty({ enum: ['paper', 'live'], description: 'Only paper is accepted here' })
  @IsIn(['paper', 'live'], { message: 'must be paper or live' })
  mode!: BotMode;

  @ApiProperty({ example: 10000, description: 'Starting cash of the paper account, > 0' })
  @IsNumber(finite, { message: 'must be a number' })
  @Min(Number.MIN_VALUE, { message: 'must be greater than 0' })
  @Max(1e12, { message: 'must be at most 1e12' })
  capital!: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { maxDrawdownPct: { threshold: 20, action: 'pause' } },
    description: 'See docs/trading.md (risk guardian)',
  })
  @IsOptional()
  riskLimits?: unknown;

  @ApiProperty({ type: BotFeedDto })
  @ValidateNested()
  @Type(() => BotFeedDto)
  feed!: BotFeedDto;

  @ApiPropertyOptional({ type: FeeSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FeeSettingsDto)
  fees?: FeeSettingsDto;

  @ApiPropertyOptional({ type: BotSizingDto, description: 'Default all-in' })
  @IsOptional()
  @ValidateNested()
  @Type(() => BotSizingDto)
  sizing?: BotSizingDto;

  @ApiPropertyOptional({ minimum: 0, maximum: 0.5, default: 0 })
  @IsOptional()
  @IsNumber(finite, { message: 'must be a number' })
  @Min(0, { message: 'must not be negative' })
  @Max(0.5, { message: 'must be at most 0.5' })
  sizingHeadroom?: number;

  @ApiPropertyOptional({ minimum: 10, maximum: 100_000, default: 500 })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(10, { message: 'must be at least 10' })
  @Max(100_000, { message: 'must be at most 100000' })
  continueAsNewEvery?: number;
}

export class BotCommandRequestDto {
  @ApiProperty({ enum: BOT_COMMANDS })
  @IsIn(BOT_COMMANDS, { message: `must be one of ${BOT_COMMANDS.join(', ')}` })
  command!: BotCommand;
}

export class BotParamsRequestDto {
  @ApiProperty({ example: { fast: 10, slow: 30 }, type: 'object', additionalProperties: true })
  @IsObject({ message: 'must be an object of parameter values' })
  params!: ParamValues;
}

export class BotOrderViewResponseDto {
  @ApiProperty() clientOrderId!: string;
  @ApiProperty({ enum: ['buy', 'sell'] }) side!: 'buy' | 'sell';
  @ApiProperty({ enum: ['market', 'limit'] }) type!: 'market' | 'limit';
  @ApiProperty() qty!: number;
  @ApiProperty({ type: Number, nullable: true }) price!: number | null;
  @ApiProperty() filledQty!: number;
  @ApiProperty() status!: string;
}

export class BotStateResponseDto implements BotState {
  @ApiProperty({ enum: ['created', 'running', 'paused', 'stopped', 'killed'] }) status!: BotStatus;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: 'object', properties: { qty: { type: 'number' }, avgEntryPrice: { type: 'number' } } })
  position!: { qty: number; avgEntryPrice: number | null };
  @ApiProperty({ type: [BotOrderViewResponseDto] }) openOrders!: BotOrderViewResponseDto[];
  @ApiProperty({ type: Number, nullable: true }) equity!: number | null;
  @ApiProperty() realisedPnl!: number;
  @ApiProperty() unrealisedPnl!: number;
  @ApiProperty({ type: String, nullable: true }) lastDecision!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastWhy!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastBarTime!: string | null;
  @ApiProperty() steps!: number;
  @ApiProperty() nextOrderSeq!: number;
}

export class BotResponseDto implements BotDto {
  @ApiProperty() id!: string;
  @ApiProperty() ownerId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() strategy!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: ParamValues;
  @ApiProperty() instrument!: string;
  @ApiProperty({ enum: ['paper', 'live'] }) mode!: BotMode;
  @ApiProperty({ type: String, nullable: true, description: 'The venue account of a live bot' })
  venueAccountId!: string | null;
  @ApiProperty() capital!: number;
  @ApiProperty({ type: 'object', additionalProperties: true })
  riskLimits!: Record<string, { threshold: number; action: string }>;
  @ApiProperty({ type: 'object', additionalProperties: true }) config!: BotConfig;
  @ApiProperty({ enum: ['created', 'running', 'paused', 'stopped', 'killed'] }) status!: BotStatus;
  @ApiProperty() workflowId!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional({ type: BotStateResponseDto, nullable: true }) state?: BotStateResponseDto | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  links!: { self: string; commands: string; orders: string; fills: string; events: string };
}

export class BotOrderResponseDto implements BotOrderDto {
  @ApiProperty() clientOrderId!: string;
  @ApiProperty() seq!: number;
  @ApiProperty({ enum: ['buy', 'sell'] }) side!: 'buy' | 'sell';
  @ApiProperty({ enum: ['market', 'limit'] }) type!: 'market' | 'limit';
  @ApiProperty() qty!: number;
  @ApiProperty({ type: Number, nullable: true }) price!: number | null;
  @ApiProperty() filledQty!: number;
  @ApiProperty({ type: Number, nullable: true }) avgFillPrice!: number | null;
  @ApiProperty() status!: string;
  @ApiProperty({ type: String, nullable: true }) venueOrderId!: string | null;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class BotFillResponseDto implements BotFillDto {
  @ApiProperty() fillId!: string;
  @ApiProperty() clientOrderId!: string;
  @ApiProperty({ enum: ['buy', 'sell'] }) side!: 'buy' | 'sell';
  @ApiProperty() qty!: number;
  @ApiProperty() price!: number;
  @ApiProperty() fee!: number;
  @ApiProperty() time!: string;
}

export class BotEventResponseDto implements BotEventDto {
  @ApiProperty() botId!: string;
  @ApiProperty() seq!: number;
  @ApiProperty() time!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) data!: Record<
    string,
    unknown
  > | null;
}

export class BotCommandResponseDto {
  @ApiProperty() botId!: string;
  @ApiProperty({ enum: BOT_COMMANDS }) command!: BotCommand;
  @ApiProperty({
    enum: ['created', 'running', 'paused', 'stopped', 'killed'],
    description: 'Status when the command was sent',
  })
  previousStatus!: BotStatus;
}

export class KillSwitchRequestDto {
  @ApiPropertyOptional({
    enum: ['mine', 'all'],
    default: 'mine',
    description: "`all` (admins only) kills every user's running and paused bots",
  })
  @IsOptional()
  @IsIn(['mine', 'all'], { message: 'must be mine or all' })
  scope?: 'mine' | 'all';
}

export class KilledBotResponseDto {
  @ApiProperty() botId!: string;
  @ApiProperty() ownerId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['created', 'running', 'paused', 'stopped', 'killed'] }) previousStatus!: BotStatus;
}

export class KillSwitchResponseDto implements KillSwitchResult {
  @ApiProperty({ enum: ['mine', 'all'] }) scope!: 'mine' | 'all';
  @ApiProperty({ type: [KilledBotResponseDto] }) killed!: KilledBotResponseDto[];
}
