import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { type GraduationDto } from '@gauntlet/contracts';
import { AuthService } from '../../core/auth.service';
import { toErrorResponse } from '../../core/errors';
import { formatNumber, formatTime } from '../../core/format';
import { formatFraction } from './graduation-view';
import { GraduationStatusComponent } from './graduation-status.component';
import { GraduationsApiService } from './graduations-api.service';
import { NewGraduationFormComponent } from './new-graduation-form.component';

/** How often the list is read again; statuses move on their own as the workflows run. */
export const GRADUATIONS_POLL_MS = 2000;

/**
 * Every graduation the user can see (admins: all), newest first, and the form that requests a
 * new one. Opened from a backtest report (`?backtest=<id>`), the form is open and filled in.
 */
@Component({
  selector: 'g-graduations-page',
  imports: [RouterLink, GraduationStatusComponent, NewGraduationFormComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="head">
      <h1>Graduations</h1>
      @if (canTrade() && !showForm()) {
        <button type="button" class="primary" data-testid="new-graduation" (click)="showForm.set(true)">
          New graduation
        </button>
      }
    </div>
    @if (!canTrade()) {
      <div class="panel empty">
        Graduations are run by traders and admins; your role cannot view or request them.
      </div>
    } @else {
      @if (showForm()) {
        <g-new-graduation-form
          [backtest]="backtest() ?? null"
          (created)="created($event)"
          (cancelled)="showForm.set(false)"
        />
      }
      @if (error(); as e) {
        <div class="error-panel" role="alert">Could not load graduations: {{ e }}</div>
      }
      @if (graduations(); as list) {
        @if (list.length === 0) {
          <div class="panel empty">
            No graduations yet. Start one from a backtest report (“Graduate”) or with “New graduation”.
          </div>
        } @else {
          <div class="panel table-wrap">
            <table class="grid" data-testid="graduations-table">
              <thead>
                <tr>
                  <th>Strategy</th>
                  <th>Instrument</th>
                  <th>Status</th>
                  <th class="num">Capital</th>
                  <th class="num">Target</th>
                  <th>Created</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                @for (g of list; track g.id) {
                  <tr data-testid="graduation-row" [attr.data-graduation-id]="g.id">
                    <td>
                      {{ g.strategy }} <span class="muted">{{ paramsText(g) }}</span>
                    </td>
                    <td>{{ g.instrument }}</td>
                    <td><g-graduation-status [status]="g.status" /></td>
                    <td class="num" data-testid="graduation-fraction">{{ fraction(g.capitalFraction) }}</td>
                    <td class="num">{{ num(g.targetCapital) }}</td>
                    <td>{{ time(g.createdAt) }}</td>
                    <td>
                      <a [routerLink]="['/graduations', g.id]" data-testid="graduation-link">Details</a>
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
      } @else if (!error()) {
        <p class="muted">Loading graduations…</p>
      }
    }
  `,
  styles: [
    `
      .head {
        display: flex;
        align-items: center;
        gap: 16px;
        margin-bottom: 12px;
      }
      h1 {
        font-size: 18px;
        margin: 0;
      }
      g-new-graduation-form {
        display: block;
        margin-bottom: 16px;
      }
      .table-wrap {
        overflow-x: auto;
      }
      td {
        white-space: nowrap;
      }
    `,
  ],
})
export class GraduationsPage {
  private readonly api = inject(GraduationsApiService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  /** The `?backtest=` query parameter (component input binding). */
  readonly backtest = input<string | undefined>();

  protected readonly graduations = signal<GraduationDto[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly showForm = signal(false);
  protected readonly canTrade = computed(() => {
    const role = this.auth.user()?.role;
    return role === 'trader' || role === 'admin';
  });
  protected readonly num = formatNumber;
  protected readonly time = formatTime;
  protected readonly fraction = formatFraction;
  private reading = false;

  constructor() {
    effect(() => {
      if (this.backtest()) untracked(() => this.showForm.set(true));
    });
    if (this.canTrade()) {
      void this.refresh();
      const timer = setInterval(() => void this.refresh(), GRADUATIONS_POLL_MS);
      inject(DestroyRef).onDestroy(() => clearInterval(timer));
    }
  }

  protected paramsText(g: GraduationDto): string {
    return `(${Object.entries(g.params)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ')})`;
  }

  async refresh(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      this.graduations.set(await this.api.list());
      this.error.set(null);
    } catch (err) {
      this.error.set(toErrorResponse(err).message);
    } finally {
      this.reading = false;
    }
  }

  protected created(g: GraduationDto): void {
    this.showForm.set(false);
    void this.router.navigate(['/graduations', g.id]);
  }
}
