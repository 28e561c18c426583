import { type BotEventDto } from '@gauntlet/contracts';
import { type Redis } from 'ioredis';

/**
 * Publishes a bot's events on Redis after they are stored, for the API's server-sent events.
 * Best effort, like job progress: the `bot_events` table is the record, and the stream starts
 * from it, so an event lost while Redis was away is still seen on the next connection.
 */
export class BotEventPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  channel(botId: string): string {
    return `${this.prefix}:bots:${botId}:events`;
  }

  async publish(events: readonly BotEventDto[]): Promise<void> {
    for (const e of events) {
      try {
        await this.redis.publish(this.channel(e.botId), JSON.stringify(e));
      } catch {
        // Ignored on purpose: see the class comment.
      }
    }
  }
}
