import { type VenueAccountDto, type VenueName } from '@gauntlet/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';

export class CreateVenueAccountRequestDto {
  @ApiProperty({ enum: ['bybit'] })
  @IsIn(['bybit'], { message: 'must be bybit' })
  venue!: VenueName;

  @ApiProperty({ example: 'main account' })
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(100, { message: 'must be at most 100 characters' })
  label!: string;

  @ApiPropertyOptional({ default: false, description: "The venue's test network" })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  testnet?: boolean;

  @ApiPropertyOptional({ description: "Overrides the venue's address; admins only" })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'must be an http(s) URL' })
  @MaxLength(300, { message: 'must be at most 300 characters' })
  baseUrl?: string;

  @ApiProperty({ description: 'Stored encrypted; never returned' })
  @IsString({ message: 'must be a string' })
  @MinLength(4, { message: 'must be at least 4 characters' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  apiKey!: string;

  @ApiProperty({ description: 'Stored encrypted; never returned' })
  @IsString({ message: 'must be a string' })
  @MinLength(4, { message: 'must be at least 4 characters' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  apiSecret!: string;
}

export class VenueAccountResponseDto implements VenueAccountDto {
  @ApiProperty() id!: string;
  @ApiProperty() ownerId!: string;
  @ApiProperty({ enum: ['bybit'] }) venue!: VenueName;
  @ApiProperty() label!: string;
  @ApiProperty() testnet!: boolean;
  @ApiProperty({ type: String, nullable: true }) baseUrl!: string | null;
  @ApiProperty({ example: '…a1b2', description: "The API key's last four characters only" })
  apiKey!: string;
  @ApiProperty() createdAt!: string;
}
