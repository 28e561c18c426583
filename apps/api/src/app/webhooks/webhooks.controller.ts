import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthUser, MinRole } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import {
  type CreatedWebhookDto,
  CreatedWebhookResponseDto,
  CreateWebhookRequestDto,
  type WebhookDeliveryDto,
  WebhookDeliveryResponseDto,
  type WebhookDto,
  WebhookResponseDto,
  type WebhookTestDto,
  WebhookTestResponseDto,
} from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@MinRole('researcher')
@ApiForbiddenResponse({ description: 'Viewers cannot manage webhooks' })
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiCreatedResponse({
    type: CreatedWebhookResponseDto,
    description: 'The webhook with its signing secret, which is shown in this response only',
  })
  @ApiBadRequestResponse({ description: '`url` is not http(s), or `events[i]` is not a notification kind' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateWebhookRequestDto): Promise<CreatedWebhookDto> {
    return this.webhooks.create(user, body);
  }

  @Get()
  @ApiOkResponse({
    type: [WebhookResponseDto],
    description: 'Your webhooks (every one for an admin), newest first',
  })
  list(@CurrentUser() user: AuthUser): Promise<WebhookDto[]> {
    return this.webhooks.list(user);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The webhook and its delivery records are gone' })
  @ApiNotFoundResponse({ description: 'No such webhook of yours' })
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.webhooks.remove(user, id);
  }

  @Get(':id/deliveries')
  @ApiOkResponse({
    type: [WebhookDeliveryResponseDto],
    description: 'The 100 most recent deliveries, newest first',
  })
  @ApiNotFoundResponse({ description: 'No such webhook of yours' })
  deliveries(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<WebhookDeliveryDto[]> {
    return this.webhooks.deliveries(user, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: WebhookTestResponseDto,
    description: "A 'test' notification is queued for this webhook",
  })
  @ApiNotFoundResponse({ description: 'No such webhook of yours' })
  @ApiConflictResponse({ description: 'The webhook is disabled' })
  @ApiServiceUnavailableResponse({ description: 'Redis is unavailable' })
  test(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<WebhookTestDto> {
    return this.webhooks.test(user, id);
  }
}
