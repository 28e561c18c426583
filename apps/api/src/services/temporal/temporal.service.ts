import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type GauntletConfig } from '@gauntlet/config';
import { Client, Connection } from '@temporalio/client';
import { unavailable } from '../../app/common/errors';
import { CONFIG } from '../config/config.module';

/** A Temporal client that connects lazily and reconnects; calls while disconnected get 503. */
@Injectable()
export class TemporalService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TemporalService.name);
  private connection: Connection | undefined;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;

  constructor(@Inject(CONFIG) private readonly config: GauntletConfig) {}

  async onModuleInit(): Promise<void> {
    await this.getClient().catch((err: Error) =>
      this.logger.warn(`Temporal unavailable at start (${err.message}); will connect on demand`),
    );
  }

  async getClient(): Promise<Client> {
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      try {
        this.connection = await Connection.connect({
          address: this.config.temporalAddress,
          connectTimeout: 3_000,
        });
        this.client = new Client({ connection: this.connection, namespace: this.config.temporalNamespace });
        this.logger.log(`Temporal connected at ${this.config.temporalAddress}`);
        return this.client;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  /** The client, or a 503 DomainError when the server cannot be reached. */
  async require(): Promise<Client> {
    try {
      return await this.getClient();
    } catch (err) {
      throw unavailable('Temporal', err);
    }
  }

  async ping(): Promise<void> {
    const client = await this.getClient();
    await client.workflowService.getSystemInfo({});
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection?.close();
  }
}
