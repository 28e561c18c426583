import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import { type ServiceName } from '@gauntlet/contracts';
import { ApiStatusService } from '../core/api-status.service';
import { AuthService } from '../core/auth.service';

const SERVICES: { name: ServiceName; label: string }[] = [
  { name: 'postgres', label: 'PostgreSQL' },
  { name: 'redis', label: 'Redis' },
  { name: 'temporal', label: 'Temporal' },
];

@Component({
  selector: 'g-header',
  imports: [RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header>
      <a class="brand" routerLink="/jobs">Gauntlet</a>
      @if (auth.signedIn()) {
        <nav>
          <a routerLink="/jobs" routerLinkActive="active">Jobs</a>
          <a routerLink="/backtests/new" routerLinkActive="active">New backtest</a>
          @if (canTrade()) {
            <a routerLink="/bots" routerLinkActive="active" data-testid="nav-bots">Bots</a>
            <a routerLink="/graduations" routerLinkActive="active" data-testid="nav-graduations"
              >Graduations</a
            >
          }
        </nav>
      }
      <span class="spacer"></span>
      <div class="health" data-testid="health">
        @for (s of services(); track s.name) {
          <span class="svc" [title]="s.title" [attr.data-service]="s.name" [attr.data-status]="s.status">
            <span class="dot" [class]="s.status"></span>{{ s.label }}
          </span>
        }
        @if (temporalUi(); as url) {
          <a class="temporal" [href]="url" target="_blank" rel="noopener">Temporal UI ↗</a>
        }
      </div>
      @if (auth.user(); as user) {
        <span class="user" data-testid="current-user"
          >{{ user.email }} <span class="role">{{ user.role }}</span></span
        >
        <button type="button" class="ghost" (click)="auth.logout()">Log out</button>
      }
    </header>
  `,
  styles: [
    `
      header {
        display: flex;
        align-items: center;
        gap: 16px;
        height: 44px;
        padding: 0 20px;
        background: var(--panel);
        border-bottom: 1px solid var(--border);
      }
      .brand {
        font-weight: 700;
        letter-spacing: 0.04em;
        color: var(--text);
      }
      nav {
        display: flex;
        gap: 4px;
      }
      nav a {
        padding: 4px 10px;
        border-radius: 4px;
        color: var(--muted);
      }
      nav a.active,
      nav a:hover {
        color: var(--text);
        background: var(--panel-2);
      }
      .spacer {
        flex: 1;
      }
      .health {
        display: flex;
        gap: 12px;
        align-items: center;
        font-size: 12px;
        color: var(--muted);
      }
      .svc {
        display: inline-flex;
        align-items: center;
        gap: 5px;
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--muted);
        display: inline-block;
      }
      .dot.up {
        background: var(--up);
        box-shadow: 0 0 4px var(--up);
      }
      .dot.down {
        background: var(--down);
        box-shadow: 0 0 4px var(--down);
      }
      .temporal {
        font-size: 12px;
      }
      .user {
        font-size: 12px;
        color: var(--text);
      }
      .role {
        color: var(--muted);
        margin-left: 4px;
      }
    `,
  ],
})
export class HeaderComponent {
  protected readonly auth = inject(AuthService);
  private readonly status = inject(ApiStatusService);

  protected readonly services = computed(() => {
    const health = this.status.health();
    const reachable = this.status.reachable();
    return SERVICES.map((s) => {
      const h = health?.services[s.name];
      const status = !reachable ? 'down' : (h?.status ?? 'unknown');
      const latency = h?.latencyMs !== null && h?.latencyMs !== undefined ? ` (${h.latencyMs} ms)` : '';
      const title = !reachable
        ? `${s.label}: API unreachable`
        : `${s.label}: ${status}${latency}${h?.error ? ` — ${h.error}` : ''}`;
      return { ...s, status, title };
    });
  });

  /** Bots are run by traders and admins only; the API refuses other roles. */
  protected readonly canTrade = computed(() => {
    const role = this.auth.user()?.role;
    return role === 'trader' || role === 'admin';
  });

  protected readonly temporalUi = computed(() => this.status.health()?.temporalUiUrl ?? null);
}
