/** What a notification is about. `test` is only sent by `POST /api/webhooks/:id/test`. */
export const NOTIFICATION_KINDS = ['fill', 'risk-breach', 'graduation-step', 'bot-error', 'test'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The kinds a webhook can subscribe to; a test ping reaches the one webhook it was sent to. */
export const SUBSCRIBABLE_KINDS: readonly NotificationKind[] = NOTIFICATION_KINDS.filter((k) => k !== 'test');

/**
 * One thing to tell a user. `id` must be the same every time the same fact is reported (a
 * retried activity enqueues it again), because delivery is once per event id and webhook.
 */
export interface NotificationEvent<D = Record<string, unknown>> {
  id: string;
  kind: NotificationKind;
  ownerId: string;
  /** ISO 8601. */
  occurredAt: string;
  data: D;
}

/** Deterministic event ids for the callers: the same fill, breach or step gives the same id. */
export const notificationIds = {
  fill: (botId: string, fillId: string): string => `fill:${botId}:${fillId}`,
  riskBreach: (botId: string, seq: number | string): string => `risk:${botId}:${seq}`,
  graduationStep: (graduationId: string, step: string): string => `graduation:${graduationId}:${step}`,
  botError: (botId: string, seq: number | string): string => `bot-error:${botId}:${seq}`,
};
