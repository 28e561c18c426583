import {
  type CanonicalWalkForwardInput,
  type FoldOverfitting,
  type ParameterStability,
  type WalkForwardFoldDto,
  type WalkForwardReportDto,
  type WalkForwardOverfitting,
  type WalkForwardRequest,
} from '@gauntlet/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { SweepRequestDto } from '../sweeps/sweeps.dto';

export class WalkForwardRequestDto extends SweepRequestDto implements WalkForwardRequest {
  @ApiProperty({ enum: ['rolling', 'anchored'] })
  @IsIn(['rolling', 'anchored'], { message: 'must be rolling or anchored' })
  mode!: 'rolling' | 'anchored';

  @ApiProperty({ minimum: 1, maximum: 3650, example: 60 })
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(3650, { message: 'must be at most 3650' })
  inSampleDays!: number;

  @ApiProperty({ minimum: 1, maximum: 3650, example: 20 })
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(3650, { message: 'must be at most 3650' })
  outOfSampleDays!: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650 })
  @IsOptional()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(3650, { message: 'must be at most 3650' })
  stepDays?: number;
}

class WindowDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
}

export class WalkForwardFoldResponseDto implements WalkForwardFoldDto {
  @ApiProperty() index!: number;
  @ApiProperty({ type: WindowDto }) inSample!: WindowDto;
  @ApiProperty({ type: WindowDto }) outOfSample!: WindowDto;
  @ApiProperty() sweepJobId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) params!: Record<
    string,
    number | string | boolean
  > | null;
  @ApiProperty({ nullable: true, type: Number }) inSampleReturnPct!: number | null;
  @ApiProperty() outOfSampleReturnPct!: number;
  @ApiProperty() outOfSampleMaxDrawdownPct!: number;
  @ApiProperty() outOfSampleTrades!: number;
  @ApiProperty({ nullable: true, type: Number }) efficiency!: number | null;
}

export class ParameterStabilityDto implements ParameterStability {
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) counts!: Array<{
    value: number | string | boolean;
    folds: number;
  }>;
  @ApiProperty() modalShare!: number;
  @ApiProperty({ nullable: true, type: Number }) coefficientOfVariation!: number | null;
}

export class FoldOverfittingDto implements FoldOverfitting {
  @ApiProperty() fold!: number;
  @ApiProperty() sweepJobId!: string;
  @ApiProperty() trials!: number;
  @ApiProperty({ nullable: true, type: Number }) deflatedSharpe!: number | null;
  @ApiProperty({ nullable: true, type: Number }) pbo!: number | null;
  @ApiProperty() reading!: string;
}

export class WalkForwardOverfittingDto implements WalkForwardOverfitting {
  @ApiProperty({ description: "Trials run by all the folds' sweeps" }) trials!: number;
  @ApiProperty({ nullable: true, type: Number, description: "Mean of the folds' deflated Sharpe ratios" })
  deflatedSharpe!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: "Mean of the folds' PBO: the share of all the folds' CSCV splits",
  })
  pbo!: number | null;
  @ApiProperty() reading!: string;
  @ApiProperty({ type: [FoldOverfittingDto] }) folds!: FoldOverfittingDto[];
}

export class WalkForwardReportResponseDto implements WalkForwardReportDto {
  @ApiProperty() jobId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) input!: CanonicalWalkForwardInput;
  @ApiProperty({ type: [WalkForwardFoldResponseDto] }) folds!: WalkForwardFoldResponseDto[];
  @ApiProperty({ nullable: true, type: Number }) efficiency!: number | null;
  @ApiProperty() outOfSampleReturnPct!: number;
  @ApiProperty() trials!: number;
  @ApiProperty({ type: [ParameterStabilityDto] }) stability!: ParameterStabilityDto[];
  @ApiProperty({ type: WalkForwardOverfittingDto, nullable: true })
  overfitting!: WalkForwardOverfittingDto | null;
  @ApiProperty({
    type: 'object',
    properties: {
      job: { type: 'string' },
      equity: { type: 'string' },
      sweeps: { type: 'array', items: { type: 'string' } },
    },
  })
  links!: { job: string; equity: string; sweeps: string[] };
}
