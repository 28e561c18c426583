import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, MaxLength } from 'class-validator';
import { NOTIFICATION_KINDS, type NotificationKind, SUBSCRIBABLE_KINDS } from '@gauntlet/trading';

export class CreateWebhookRequestDto {
  @ApiProperty({ example: 'https://example.com/hooks/gauntlet', description: 'An http or https URL' })
  @IsString({ message: 'must be a string' })
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  url!: string;

  @ApiProperty({
    type: [String],
    enum: SUBSCRIBABLE_KINDS,
    example: ['fill', 'risk-breach'],
    description: 'The notification kinds to receive',
  })
  @IsArray({ message: 'must be an array of notification kinds' })
  @ArrayMinSize(1, { message: 'must name at least one notification kind' })
  @ArrayMaxSize(SUBSCRIBABLE_KINDS.length * 2, { message: 'lists too many kinds' })
  events!: string[];
}

/** A webhook as its owner sees it: never the secret. */
export interface WebhookDto {
  id: string;
  ownerId: string;
  url: string;
  events: NotificationKind[];
  active: boolean;
  disabledReason: string | null;
  createdAt: string;
}

export interface CreatedWebhookDto extends WebhookDto {
  secret: string;
}

export interface WebhookDeliveryDto {
  eventId: string;
  kind: NotificationKind;
  status: 'pending' | 'retrying' | 'delivered' | 'failed' | 'skipped';
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookTestDto {
  eventId: string;
}

export class WebhookResponseDto implements WebhookDto {
  @ApiProperty() id!: string;
  @ApiProperty() ownerId!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String], enum: SUBSCRIBABLE_KINDS }) events!: NotificationKind[];
  @ApiProperty({ description: 'False once the receiver answered 410 Gone' }) active!: boolean;
  @ApiProperty({ type: String, nullable: true }) disabledReason!: string | null;
  @ApiProperty() createdAt!: string;
}

export class CreatedWebhookResponseDto extends WebhookResponseDto implements CreatedWebhookDto {
  @ApiProperty({
    example: 'whsec_3q2-7wAbc…',
    description:
      'The HMAC key that signs every delivery (X-Gauntlet-Signature). Shown in this response only; it cannot be read back.',
  })
  secret!: string;
}

export class WebhookDeliveryResponseDto implements WebhookDeliveryDto {
  @ApiProperty({ example: 'fill:6f1c…:f-17', description: 'Also sent as X-Gauntlet-Delivery' })
  eventId!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind!: NotificationKind;
  @ApiProperty({ enum: ['pending', 'retrying', 'delivered', 'failed', 'skipped'] })
  status!: WebhookDeliveryDto['status'];
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: Number, nullable: true }) responseStatus!: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, nullable: true }) deliveredAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class WebhookTestResponseDto implements WebhookTestDto {
  @ApiPropertyOptional({ example: 'test:6f1c…:0b8e…', description: "The ping's event id" })
  eventId!: string;
}
