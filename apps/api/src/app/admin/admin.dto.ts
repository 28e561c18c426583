/** A notification delivery job after an admin's retry. */
export interface NotificationJobDto {
  id: string;
  queue: string;
  state: string;
  eventId: string;
  kind: string;
  webhookId: string;
  /** The delivery row's status: `retrying` until the worker's next attempt answers. */
  deliveryStatus: string;
}
