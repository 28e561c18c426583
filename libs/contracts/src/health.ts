export type ServiceName = 'postgres' | 'redis' | 'temporal';

export interface ServiceHealth {
  status: 'up' | 'down';
  latencyMs: number | null;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  checkedAt: string;
  services: Record<ServiceName, ServiceHealth>;
  /** Where operators look at workflows. */
  temporalUiUrl: string;
}
