import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { type GauntletConfig } from '@gauntlet/config';
import { ConfigModule, CONFIG } from '../services/config/config.module';
import { DatabaseModule } from '../services/database/database.module';
import { RedisModule } from '../services/redis/redis.module';
import { TemporalModule } from '../services/temporal/temporal.module';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { BacktestsController } from './backtests/backtests.controller';
import { BacktestsService } from './backtests/backtests.service';
import { BarsController } from './bars/bars.controller';
import { BarsService } from './bars/bars.service';
import { AuditMiddleware } from './common/audit.middleware';
import { ApiExceptionFilter } from './common/exception.filter';
import { DataController } from './data/data.controller';
import { DataService } from './data/data.service';
import { HealthController } from './health/health.controller';
import { InstrumentsController } from './instruments/instruments.controller';
import { JobsController } from './jobs/jobs.controller';
import { JobLauncher } from './jobs/job-launcher.service';
import { JobsService } from './jobs/jobs.service';
import { StrategiesController } from './strategies/strategies.controller';
import { MonteCarloController } from './monte-carlo/monte-carlo.controller';
import { MonteCarloService } from './monte-carlo/monte-carlo.service';
import { LineageController } from './sweeps/lineage.controller';
import { WalkForwardsController } from './walk-forwards/walk-forwards.controller';
import { WalkForwardsService } from './walk-forwards/walk-forwards.service';
import { SweepsController } from './sweeps/sweeps.controller';
import { SweepsService } from './sweeps/sweeps.service';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';
import { SchedulesController } from './schedules/schedules.controller';
import { SchedulesService } from './schedules/schedules.service';
import { AdminController } from './admin/admin.controller';
import { AdminService } from './admin/admin.service';
import { BotsController } from './bots/bots.controller';
import { BotsService } from './bots/bots.service';
import { GraduationsController } from './graduations/graduations.controller';
import { GraduationsService } from './graduations/graduations.service';
import { VenueAccountsController } from './venue-accounts/venue-accounts.controller';
import { VenueAccountsService } from './venue-accounts/venue-accounts.service';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    RedisModule,
    TemporalModule,
    JwtModule.registerAsync({
      inject: [CONFIG],
      useFactory: (config: GauntletConfig) => ({
        secret: config.jwtSecret,
        signOptions: { algorithm: 'HS256' },
      }),
    }),
  ],
  controllers: [
    AuthController,
    UsersController,
    HealthController,
    JobsController,
    BacktestsController,
    StrategiesController,
    InstrumentsController,
    BarsController,
    SweepsController,
    LineageController,
    MonteCarloController,
    WalkForwardsController,
    DataController,
    SchedulesController,
    AdminController,
    BotsController,
    GraduationsController,
    VenueAccountsController,
    WebhooksController,
  ],
  providers: [
    AuthService,
    UsersService,
    JobsService,
    JobLauncher,
    BacktestsService,
    BarsService,
    SweepsService,
    MonteCarloService,
    WalkForwardsService,
    DataService,
    SchedulesService,
    AdminService,
    BotsService,
    GraduationsService,
    VenueAccountsService,
    WebhooksService,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuditMiddleware).forRoutes('{*path}');
  }
}
