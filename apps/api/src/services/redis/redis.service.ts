import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type GauntletConfig } from '@gauntlet/config';
import { Redis } from 'ioredis';
import { Observable } from 'rxjs';
import { CONFIG } from '../config/config.module';

/**
 * Redis for pub/sub progress. Commands fail fast while Redis is down (no offline queue), and
 * ioredis reconnects by itself when it returns.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  readonly client: Redis;
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();

  constructor(@Inject(CONFIG) private readonly config: GauntletConfig) {
    this.client = this.connect('gauntlet-api');
  }

  private connect(name: string): Redis {
    const client = new Redis(this.config.redisUrl, {
      connectionName: name,
      lazyConnect: false,
      enableOfflineQueue: name.endsWith('sub'),
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    client.on('error', (err: Error) => this.logger.debug(`${name}: ${err.message}`));
    return client;
  }

  key(...parts: string[]): string {
    return [this.config.redisPrefix, ...parts].join(':');
  }

  async ping(): Promise<void> {
    const reply = await this.client.ping();
    if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
  }

  /** Messages published on a channel, as an Observable; unsubscribes when the last observer leaves. */
  channel(channel: string): Observable<string> {
    return new Observable<string>((observer) => {
      if (!this.subscriber) {
        this.subscriber = this.connect('gauntlet-api-sub');
        this.subscriber.on('message', (ch: string, message: string) => {
          this.listeners.get(ch)?.forEach((fn) => fn(message));
        });
      }
      const sub = this.subscriber;
      let set = this.listeners.get(channel);
      if (!set) {
        set = new Set();
        this.listeners.set(channel, set);
        sub
          .subscribe(channel)
          .catch((err: Error) => this.logger.warn(`subscribe ${channel}: ${err.message}`));
      }
      const fn = (message: string): void => observer.next(message);
      set.add(fn);
      return () => {
        set.delete(fn);
        if (set.size === 0) {
          this.listeners.delete(channel);
          sub.unsubscribe(channel).catch(() => undefined);
        }
      };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.disconnect();
    this.subscriber?.disconnect();
  }
}
