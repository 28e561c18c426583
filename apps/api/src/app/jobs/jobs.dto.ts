import {
  JOB_KINDS,
  JOB_STATUSES,
  type JobDto,
  type JobError,
  type JobKind,
  type JobLinks,
  type JobListQuery,
  type JobStatus,
  type Page,
} from '@gauntlet/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class JobListQueryDto implements JobListQuery {
  @ApiPropertyOptional({ enum: JOB_KINDS })
  @IsOptional()
  @IsIn(JOB_KINDS, { message: `must be one of ${JOB_KINDS.join(', ')}` })
  kind?: JobKind;

  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES, { message: `must be one of ${JOB_STATUSES.join(', ')}` })
  status?: JobStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(200, { message: 'must be at most 200' })
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(0, { message: 'must be at least 0' })
  offset?: number;
}

class JobLinksDto implements JobLinks {
  @ApiProperty() self!: string;
  @ApiProperty() events!: string;
  @ApiProperty() cancel!: string;
  @ApiPropertyOptional() result?: string;
  @ApiPropertyOptional() temporal?: string;
}

class JobErrorDto implements JobError {
  @ApiProperty() message!: string;
  @ApiPropertyOptional() where?: string;
}

export class JobResponseDto implements JobDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: JOB_KINDS }) kind!: JobKind;
  @ApiProperty({ enum: JOB_STATUSES }) status!: JobStatus;
  @ApiProperty({ minimum: 0, maximum: 1 }) progress!: number;
  @ApiProperty() title!: string;
  @ApiProperty() ownerId!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) durationMs!: number | null;
  @ApiProperty({ nullable: true, type: JobErrorDto }) error!: JobErrorDto | null;
  @ApiProperty({ type: JobLinksDto }) links!: JobLinksDto;
  @ApiPropertyOptional({ description: 'The job that started this one (a walk-forward for its fold sweeps)' })
  parentJobId?: string;
}

export class JobPageDto implements Page<JobDto> {
  @ApiProperty({ type: [JobResponseDto] }) items!: JobResponseDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
