import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { type GauntletConfig } from '@gauntlet/config';
import { type HealthReport, type ServiceHealth, type ServiceName } from '@gauntlet/contracts';
import { type Response } from 'express';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { RedisService } from '../../services/redis/redis.service';
import { TemporalService } from '../../services/temporal/temporal.service';
import { Public } from '../auth/auth.types';

const TIMEOUT_MS = 2_000;

async function probe(check: () => Promise<void>): Promise<ServiceHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: 'down', latencyMs: null, error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: DatabaseService,
    private readonly redis: RedisService,
    private readonly temporal: TemporalService,
    @Inject(CONFIG) private readonly config: GauntletConfig,
  ) {}

  @Public()
  @Get()
  @ApiOkResponse({ description: 'Every dependency is up' })
  @ApiServiceUnavailableResponse({ description: 'At least one dependency is down; the body says which' })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const [postgres, redis, temporal] = await Promise.all([
      probe(() => this.db.ping()),
      probe(() => this.redis.ping()),
      probe(() => this.temporal.ping()),
    ]);
    const services: Record<ServiceName, ServiceHealth> = { postgres, redis, temporal };
    const ok = Object.values(services).every((s) => s.status === 'up');
    res.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'degraded',
      checkedAt: new Date().toISOString(),
      services,
      temporalUiUrl: this.config.temporalUiUrl,
    };
  }
}
