import {
  SCHEDULE_RUN_STATUSES,
  type ScheduleDetailDto,
  type ScheduleDto,
  type ScheduledWalkForwardRequest,
  type ScheduleProposal,
  type ScheduleRequest,
  type ScheduleRunDto,
  type ScheduleRunStatus,
  type ScheduleStateDto,
  type ScheduleTemplate,
} from '@gauntlet/contracts';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
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
import { WalkForwardRequestDto } from '../walk-forwards/walk-forwards.dto';

/** Five years, the longest range a sweep accepts. */
export const MAX_LOOKBACK_DAYS = 1830;

export class ScheduledWalkForwardRequestDto
  extends OmitType(WalkForwardRequestDto, ['from', 'to', 'topN'] as const)
  implements ScheduledWalkForwardRequest
{
  @ApiProperty({
    minimum: 1,
    maximum: MAX_LOOKBACK_DAYS,
    example: 60,
    description: 'Each run covers this many days, ending with the newest complete bar',
  })
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(MAX_LOOKBACK_DAYS, { message: `must be at most ${MAX_LOOKBACK_DAYS}` })
  lookbackDays!: number;
}

export class ScheduleRequestDto implements ScheduleRequest {
  @ApiPropertyOptional({ maxLength: 200, example: 'weekly sma-crossover BTC' })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  name?: string;

  @ApiProperty({ type: ScheduledWalkForwardRequestDto })
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => ScheduledWalkForwardRequestDto)
  walkForward!: ScheduledWalkForwardRequestDto;

  @ApiPropertyOptional({
    example: '7d',
    description:
      'A fixed interval: a whole number and m, h, d or w (at least 1m, at most 366d); give this or cron',
  })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @Matches(/^[1-9][0-9]{0,5}[mhdw]$/, { message: 'must be a whole number and a unit m, h, d or w, e.g. 7d' })
  every?: string;

  @ApiPropertyOptional({
    example: '0 6 * * 1',
    description: 'Five cron fields in UTC: minute hour day-of-month month day-of-week; give this or every',
  })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  cron?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  paused?: boolean;
}

class WindowDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
}

export class ScheduleProposalResponseDto implements ScheduleProposal {
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) params!: Record<
    string,
    number | string | boolean
  > | null;
  @ApiProperty() fold!: number;
  @ApiProperty({ type: WindowDto }) inSample!: WindowDto;
  @ApiProperty({ type: WindowDto }) outOfSample!: WindowDto;
  @ApiProperty({ nullable: true, type: Number }) inSampleReturnPct!: number | null;
  @ApiProperty() outOfSampleReturnPct!: number;
}

export class ScheduleRunResponseDto implements ScheduleRunDto {
  @ApiProperty() runId!: string;
  @ApiProperty({ enum: SCHEDULE_RUN_STATUSES }) status!: ScheduleRunStatus;
  @ApiProperty({ nullable: true, type: String }) jobId!: string | null;
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty({ nullable: true, type: String }) to!: string | null;
  @ApiProperty({ nullable: true, type: String }) dataVersion!: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) reusedJob!: boolean | null;
  @ApiProperty({ nullable: true, type: ScheduleProposalResponseDto })
  proposal!: ScheduleProposalResponseDto | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ type: 'object', properties: { job: { type: 'string' }, walkForward: { type: 'string' } } })
  links!: { job?: string; walkForward?: string };
}

export class ScheduleResponseDto implements ScheduleDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() ownerId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The canonical walk-forward input every run reuses, without its range',
  })
  template!: ScheduleTemplate;
  @ApiProperty() lookbackDays!: number;
  @ApiProperty({ nullable: true, type: String }) every!: string | null;
  @ApiProperty({ nullable: true, type: String }) cron!: string | null;
  @ApiProperty() paused!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: ScheduleRunResponseDto }) lastRun!: ScheduleRunResponseDto | null;
  @ApiProperty({ type: 'object', properties: { self: { type: 'string' }, temporal: { type: 'string' } } })
  links!: { self: string; temporal: string };
}

class ScheduleActionDto {
  @ApiProperty() scheduledAt!: string;
  @ApiProperty() takenAt!: string;
  @ApiProperty() workflowId!: string;
}

export class ScheduleStateResponseDto implements ScheduleStateDto {
  @ApiProperty() paused!: boolean;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ type: [String] }) nextRunTimes!: string[];
  @ApiProperty({ type: [ScheduleActionDto] }) recentActions!: ScheduleActionDto[];
  @ApiProperty({ type: [String] }) runningWorkflows!: string[];
  @ApiProperty() actionsTaken!: number;
  @ApiProperty() actionsSkippedOverlap!: number;
}

export class ScheduleDetailResponseDto extends ScheduleResponseDto implements ScheduleDetailDto {
  @ApiProperty({ nullable: true, type: ScheduleStateResponseDto }) state!: ScheduleStateResponseDto | null;
  @ApiProperty({ type: [ScheduleRunResponseDto] }) runs!: ScheduleRunResponseDto[];
}
