import { Global, Module } from '@nestjs/common';
import { type GauntletConfig, loadConfig } from '@gauntlet/config';

export const CONFIG = Symbol('GAUNTLET_CONFIG');

@Global()
@Module({
  providers: [{ provide: CONFIG, useFactory: (): GauntletConfig => loadConfig() }],
  exports: [CONFIG],
})
export class ConfigModule {}
