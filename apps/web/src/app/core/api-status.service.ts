import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { inject, Injectable, signal } from '@angular/core';
import { type HealthReport } from '@gauntlet/contracts';
import { firstValueFrom } from 'rxjs';

const POLL_MS = 15_000;

/** Whether the API answers at all, and the health of the services behind it. */
@Injectable({ providedIn: 'root' })
export class ApiStatusService {
  private readonly http = inject(HttpClient);
  readonly reachable = signal(true);
  readonly health = signal<HealthReport | null>(null);
  readonly checking = signal(false);
  /** Bumped each time the API comes back; pages reload their data when it changes. */
  readonly recovered = signal(0);
  private timer: ReturnType<typeof setTimeout> | undefined;

  start(): void {
    void this.check();
  }

  markUnreachable(): void {
    if (this.reachable()) {
      this.reachable.set(false);
      this.schedule(3_000);
    }
  }

  markReachable(): void {
    if (!this.reachable()) {
      this.reachable.set(true);
      this.recovered.update((n) => n + 1);
    }
  }

  async check(): Promise<boolean> {
    this.checking.set(true);
    try {
      const report = await firstValueFrom(this.http.get<HealthReport>('/api/health'));
      this.health.set(report);
      this.markReachable();
    } catch (err) {
      // 503 still carries the report: the API is up, a service behind it is not.
      if (err instanceof HttpErrorResponse && err.status === 503 && isHealth(err.error)) {
        this.health.set(err.error);
        this.markReachable();
      } else {
        this.health.set(null);
        this.reachable.set(false);
      }
    } finally {
      this.checking.set(false);
    }
    this.schedule(this.reachable() ? POLL_MS : 3_000);
    return this.reachable();
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), ms);
  }
}

function isHealth(body: unknown): body is HealthReport {
  return typeof body === 'object' && body !== null && 'services' in body;
}
