import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { type BotDto } from '@gauntlet/contracts';
import { AuthService } from '../../core/auth.service';
import { toErrorResponse } from '../../core/errors';
import { formatNumber } from '../../core/format';
import { BotControlsComponent } from './bot-controls.component';
import { BotStatusComponent } from './bot-status.component';
import { BotsApiService } from './bots-api.service';
import { type FillLedger, fillLedger } from './bot-view';
import { NewBotFormComponent } from './new-bot-form.component';

type BotRow = BotDto & { final: FillLedger | null };

/** How often the list is read again; each read includes every bot's live state. */
export const BOTS_POLL_MS = 2000;

/**
 * Every bot the user can see with its live state and commands. It is polled rather than
 * streamed: a missed answer is simply replaced by the next, and one poll covers every bot.
 */
@Component({
  selector: 'g-bots-page',
  imports: [RouterLink, BotControlsComponent, BotStatusComponent, NewBotFormComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="head">
      <h1>Bots</h1>
      @if (canTrade() && !showForm()) {
        <button type="button" class="primary" data-testid="new-bot" (click)="showForm.set(true)">
          New bot
        </button>
      }
    </div>
    @if (!canTrade()) {
      <div class="panel empty">
        Bots are run by traders and admins; your role cannot view or control them.
      </div>
    } @else {
      @if (showForm()) {
        <g-new-bot-form (created)="created($event)" (cancelled)="showForm.set(false)" />
      }
      @if (error(); as e) {
        <div class="error-panel" role="alert">Could not load bots: {{ e }}</div>
      }
      @if (bots(); as list) {
        @if (list.length === 0) {
          <div class="panel empty">No bots yet. Create one with “New bot”.</div>
        } @else {
          <div class="panel table-wrap">
            <table class="grid" data-testid="bots-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Strategy</th>
                  <th>Instrument</th>
                  <th>Status</th>
                  <th class="num">Position</th>
                  <th class="num">Equity</th>
                  <th class="num">Realised P&amp;L</th>
                  <th class="num">Unrealised P&amp;L</th>
                  <th>Commands</th>
                </tr>
              </thead>
              <tbody>
                @for (b of list; track b.id) {
                  <tr data-testid="bot-row" [attr.data-bot-id]="b.id" [attr.data-bot-name]="b.name">
                    <td>
                      <a [routerLink]="['/bots', b.id]" data-testid="bot-link">{{ b.name }}</a>
                    </td>
                    <td>{{ b.strategy }}</td>
                    <td>{{ b.instrument }}</td>
                    <td><g-bot-status [bot]="b" /></td>
                    @if (b.final; as f) {
                      <td class="num" data-testid="bot-position">{{ num(f.qty, 5) }}</td>
                      <td class="num" data-testid="bot-equity">{{ num(f.cash) }}</td>
                      <td class="num" [class.pos]="f.realisedPnl > 0" [class.neg]="f.realisedPnl < 0">
                        {{ num(f.realisedPnl) }}
                      </td>
                      <td class="num">{{ num(0) }}</td>
                    } @else {
                      <td class="num" data-testid="bot-position">{{ num(b.state?.position?.qty, 5) }}</td>
                      <td class="num" data-testid="bot-equity">{{ num(b.state?.equity) }}</td>
                      <td
                        class="num"
                        [class.pos]="pnl(b.state?.realisedPnl) > 0"
                        [class.neg]="pnl(b.state?.realisedPnl) < 0"
                      >
                        {{ num(b.state?.realisedPnl) }}
                      </td>
                      <td
                        class="num"
                        [class.pos]="pnl(b.state?.unrealisedPnl) > 0"
                        [class.neg]="pnl(b.state?.unrealisedPnl) < 0"
                      >
                        {{ num(b.state?.unrealisedPnl) }}
                      </td>
                    }
                    <td><g-bot-controls [bot]="b" (sent)="refresh()" /></td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
      } @else if (!error()) {
        <p class="muted">Loading bots…</p>
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
      g-new-bot-form {
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
export class BotsPage {
  private readonly api = inject(BotsApiService);
  private readonly auth = inject(AuthService);

  protected readonly bots = signal<BotRow[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly showForm = signal(false);
  protected readonly canTrade = computed(() => {
    const role = this.auth.user()?.role;
    return role === 'trader' || role === 'admin';
  });
  protected readonly num = formatNumber;
  /** Reading every bot's state can outlast the poll interval; reads never overlap. */
  private reading = false;

  constructor() {
    if (this.canTrade()) {
      void this.refresh();
      const timer = setInterval(() => void this.refresh(), BOTS_POLL_MS);
      inject(DestroyRef).onDestroy(() => clearInterval(timer));
    }
  }

  protected pnl(v: number | undefined): number {
    return v ?? 0;
  }

  async refresh(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const list = await this.api.list();
      // The list carries stored rows only: the live state comes from each bot's own answer, and
      // a killed bot's final figures from its fills (its workflow has ended and does not answer).
      const rows = await Promise.all(
        list.map(async (b): Promise<BotRow> => {
          if (b.status === 'killed')
            return { ...b, final: fillLedger(b.capital, await this.api.fills(b.id)) };
          return { ...(await this.api.get(b.id).catch(() => b)), final: null };
        }),
      );
      this.bots.set(rows);
      this.error.set(null);
    } catch (err) {
      this.error.set(toErrorResponse(err).message);
    } finally {
      this.reading = false;
    }
  }

  protected created(bot: BotDto): void {
    this.showForm.set(false);
    this.bots.update((list) => [{ ...bot, final: null }, ...(list ?? []).filter((b) => b.id !== bot.id)]);
    void this.refresh();
  }
}
