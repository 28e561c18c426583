import { type Timeframe, TIMEFRAMES } from '@gauntlet/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsString, Matches } from 'class-validator';

export class BarsQueryDto {
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
}

export class BarResponseDto {
  @ApiProperty() time!: string;
  @ApiProperty() open!: number;
  @ApiProperty() high!: number;
  @ApiProperty() low!: number;
  @ApiProperty() close!: number;
  @ApiProperty() volume!: number;
}
