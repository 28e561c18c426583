import { type JobProgressEvent, type JobStatus, TERMINAL_JOB_STATUSES } from '@gauntlet/contracts';

/**
 * A job with a progress event applied. Progress only rises while the status stays the same: a
 * reconnect starts again from the stored row, which can lag the last live event.
 */
export function withProgress<J extends { status: JobStatus; progress: number }>(
  job: J,
  e: JobProgressEvent,
): J {
  const progress = job.status === e.status ? Math.max(job.progress, e.progress) : e.progress;
  return { ...job, status: e.status, progress };
}

export interface JobWatch {
  close(): void;
}

/**
 * Follows one job's server-sent `progress` events. The browser's own EventSource retry gives up
 * once a connection attempt fails outright (API restarting, gateway 502), so reconnection is done
 * here, with back-off, until the job reaches a terminal status or the watch is closed.
 */
export function watchJob(
  id: string,
  token: () => string | null,
  onEvent: (e: JobProgressEvent) => void,
  onConnection?: (connected: boolean) => void,
): JobWatch {
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let attempt = 0;

  const connect = (): void => {
    const t = token();
    if (closed || !t) return;
    source = new EventSource(
      `/api/jobs/${encodeURIComponent(id)}/events?access_token=${encodeURIComponent(t)}`,
    );
    source.addEventListener('open', () => {
      attempt = 0;
      onConnection?.(true);
    });
    source.addEventListener('progress', (msg: MessageEvent<string>) => {
      const event = JSON.parse(msg.data) as JobProgressEvent;
      onEvent(event);
      if (TERMINAL_JOB_STATUSES.includes(event.status)) stop();
    });
    source.addEventListener('error', () => {
      if (closed) return;
      source?.close();
      onConnection?.(false);
      attempt++;
      timer = setTimeout(connect, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
    });
  };

  const stop = (): void => {
    closed = true;
    clearTimeout(timer);
    source?.close();
  };

  connect();
  return { close: stop };
}
