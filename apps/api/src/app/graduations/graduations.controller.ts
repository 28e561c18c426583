import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type GraduationDto } from '@gauntlet/contracts';
import { type AuthUser, MinRole } from '../auth/auth.types';
import { CurrentUser } from '../auth/current-user.decorator';
import {
  CreateGraduationRequestDto,
  GraduationDecisionRequestDto,
  GraduationResponseDto,
} from './graduations.dto';
import { GraduationsService } from './graduations.service';

@ApiTags('graduations')
@ApiBearerAuth()
@Controller('graduations')
export class GraduationsController {
  constructor(private readonly graduations: GraduationsService) {}

  @Post()
  @MinRole('trader')
  @ApiCreatedResponse({ type: GraduationResponseDto, description: 'Started: the paper bot trades first' })
  @ApiNotFoundResponse({ description: 'No such backtest or venue account of the caller' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateGraduationRequestDto): Promise<GraduationDto> {
    return this.graduations.create(user, body);
  }

  @Get()
  @ApiOkResponse({ type: [GraduationResponseDto], description: "The caller's graduations (an admin's: all)" })
  list(@CurrentUser() user: AuthUser): Promise<GraduationDto[]> {
    return this.graduations.list(user);
  }

  @Get(':id')
  @ApiOkResponse({ type: GraduationResponseDto, description: 'Status, evaluation and timeline' })
  @ApiNotFoundResponse({ description: 'No such graduation visible to the caller' })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<GraduationDto> {
    return this.graduations.get(user, id);
  }

  @Post(':id/decision')
  @HttpCode(202)
  @MinRole('admin')
  @ApiAcceptedResponse({ type: GraduationResponseDto, description: 'The decision was sent to the workflow' })
  @ApiForbiddenResponse({ description: 'Not an admin' })
  @ApiConflictResponse({ description: 'The graduation is not awaiting approval' })
  decide(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: GraduationDecisionRequestDto,
  ): Promise<GraduationDto> {
    return this.graduations.decide(user, id, body.decision, body.note);
  }
}
