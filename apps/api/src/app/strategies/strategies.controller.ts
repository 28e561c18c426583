import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type StrategyDescriptor } from '@gauntlet/contracts';
import { getStrategy, listStrategies } from '@gauntlet/strategies';
import { notFound } from '../common/errors';

@ApiTags('strategies')
@ApiBearerAuth()
@Controller('strategies')
export class StrategiesController {
  @Get()
  @ApiOkResponse({ description: 'Every built-in strategy with its declared parameters' })
  list(): StrategyDescriptor[] {
    return listStrategies();
  }

  @Get(':id')
  @ApiOkResponse({ description: 'One strategy with its declared parameters' })
  get(@Param('id') id: string): StrategyDescriptor {
    const strategy = getStrategy(id);
    if (!strategy) throw notFound('Strategy', id);
    return strategy.descriptor;
  }
}
