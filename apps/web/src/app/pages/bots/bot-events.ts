import { type BotEventDto } from '@gauntlet/contracts';

export interface BotEventsWatch {
  close(): void;
}

/**
 * Follows a bot's server-sent `bot-event` stream (the stored events, then live ones). As with job
 * progress, reconnection with back-off is done here because the browser's EventSource stops
 * retrying once a connection attempt fails outright; a new connection replays from the start
 * and the caller drops repeats by sequence number.
 */
export function watchBotEvents(
  id: string,
  token: () => string | null,
  onEvent: (e: BotEventDto) => void,
  onConnection?: (connected: boolean) => void,
): BotEventsWatch {
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let attempt = 0;

  const connect = (): void => {
    const t = token();
    if (closed || !t) return;
    source = new EventSource(
      `/api/bots/${encodeURIComponent(id)}/events?access_token=${encodeURIComponent(t)}`,
    );
    source.addEventListener('open', () => {
      attempt = 0;
      onConnection?.(true);
    });
    source.addEventListener('bot-event', (msg: MessageEvent<string>) => {
      onEvent(JSON.parse(msg.data) as BotEventDto);
    });
    source.addEventListener('error', () => {
      if (closed) return;
      source?.close();
      onConnection?.(false);
      attempt++;
      timer = setTimeout(connect, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
    });
  };

  connect();
  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
      source?.close();
    },
  };
}
