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
import { RouterLink } from '@angular/router';
import { type GraduationDto } from '@gauntlet/contracts';
import { AuthService } from '../../core/auth.service';
import { toErrorResponse } from '../../core/errors';
import { formatNumber, formatTime } from '../../core/format';
import { GraduationDecisionComponent } from './graduation-decision.component';
import { GraduationStatusComponent } from './graduation-status.component';
import {
  canDecide,
  criterionLabel,
  formatFraction,
  formatPeriod,
  formatStepTime,
  graduationBots,
  isFinal,
  opSymbol,
  orderedSteps,
  pairCounts,
  pairRows,
} from './graduation-view';
import { GraduationsApiService } from './graduations-api.service';

/** How often a graduation that is still under way is read again. */
export const GRADUATION_POLL_MS = 1000;

/**
 * One graduation: its status, the timeline of its steps, the evaluation of the paper period
 * (criteria, and the backtest's trades beside the paper bot's), the bots it started, and an
 * admin's Approve / Reject while it waits for a decision. Polled until it is final.
 */
@Component({
  selector: 'g-graduation-detail-page',
  imports: [RouterLink, GraduationStatusComponent, GraduationDecisionComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="crumbs"><a routerLink="/graduations">← Graduations</a></p>
    @if (error(); as e) {
      <div class="error-panel" role="alert" data-testid="graduation-error">{{ e }}</div>
    }
    @if (graduation(); as g) {
      <div class="head panel">
        <div class="title">
          <h1 data-testid="graduation-title">{{ g.strategy }} · {{ g.instrument }}</h1>
          <g-graduation-status [status]="g.status" [reason]="g.reason" />
          <span class="spacer"></span>
          @if (decidable()) {
            <g-graduation-decision [graduation]="g" (decided)="decided($event)" />
          }
        </div>
        <dl>
          <div>
            <dt>Live capital</dt>
            <dd data-testid="graduation-fraction">
              {{ fraction(g.capitalFraction) }}
              <span class="muted small">of {{ num(g.targetCapital) }}</span>
            </dd>
          </div>
          <div>
            <dt>Ramp</dt>
            <dd>{{ rampText() }}</dd>
          </div>
          <div>
            <dt>Paper capital</dt>
            <dd>{{ num(g.paperCapital) }}</dd>
          </div>
          <div>
            <dt>Periods</dt>
            <dd class="small">
              paper {{ period(g.periods.paperMs) }} · approval {{ period(g.periods.approvalTimeoutMs) }} ·
              ramp step {{ period(g.periods.rampIntervalMs) }} · check {{ period(g.periods.checkMs) }}
            </dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd class="small">{{ time(g.createdAt) }}</dd>
          </div>
        </dl>
        <p class="muted meta">
          {{ g.strategy }} {{ paramsText() }} · from backtest
          <a [routerLink]="['/backtests', g.backtestId]" data-testid="graduation-backtest-link">{{
            g.backtestId
          }}</a>
          @for (b of bots(); track b.id) {
            ·
            <a [routerLink]="['/bots', b.id]" [attr.data-testid]="'bot-link-' + b.stage">{{ b.label }}</a>
          }
        </p>
        @if (g.decision; as d) {
          <p class="meta" data-testid="graduation-decision">
            <span class="muted">{{ d.decision === 'approve' ? 'Approved' : 'Rejected' }} by</span>
            {{ d.by }} <span class="muted">at {{ time(d.at) }}</span>
            @if (d.note) {
              — “{{ d.note }}”
            }
          </p>
        }
      </div>

      <div class="panel">
        <h2>Timeline</h2>
        <ol class="timeline" data-testid="timeline">
          @for (s of steps(); track s.seq) {
            <li data-testid="step-row" [attr.data-step]="s.step" [attr.data-status]="s.status">
              <span class="muted when">{{ stepTime(s.time) }}</span>
              <span class="badge">{{ s.step }}</span>
              <g-graduation-status [status]="s.status" />
              <span class="message">{{ s.message }}</span>
            </li>
          } @empty {
            <li class="muted">No steps recorded yet.</li>
          }
        </ol>
      </div>

      @if (g.evaluation; as ev) {
        <div class="panel" data-testid="evaluation">
          <h2>
            Evaluation
            <span class="muted small"
              >paper period {{ time(ev.from) }} → {{ time(ev.to) }} · {{ ev.bars }} bars</span
            >
          </h2>
          <dl>
            <div>
              <dt>Paper trades</dt>
              <dd>{{ ev.paper.trades }}</dd>
            </div>
            <div>
              <dt>Backtest trades</dt>
              <dd>{{ ev.engine.trades }}</dd>
            </div>
            <div>
              <dt>Paper return</dt>
              <dd [class.pos]="ev.paper.returnPct > 0" [class.neg]="ev.paper.returnPct < 0">
                {{ num(ev.paper.returnPct) }}%
              </dd>
            </div>
            <div>
              <dt>Backtest return</dt>
              <dd [class.pos]="ev.engine.returnPct > 0" [class.neg]="ev.engine.returnPct < 0">
                {{ num(ev.engine.returnPct) }}%
              </dd>
            </div>
            <div>
              <dt>Paper Sharpe</dt>
              <dd>{{ num(ev.paper.sharpe) }}</dd>
            </div>
            <div>
              <dt>Paper max drawdown</dt>
              <dd>{{ num(ev.paper.maxDrawdownPct) }}%</dd>
            </div>
          </dl>

          <h3>Criteria</h3>
          <table class="grid criteria" data-testid="criteria-table">
            <thead>
              <tr>
                <th>Criterion</th>
                <th>Op</th>
                <th class="num">Threshold</th>
                <th class="num">Actual</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              @for (c of ev.criteria; track c.name) {
                <tr data-testid="criterion-row" [attr.data-name]="c.name" [attr.data-pass]="c.pass">
                  <td>
                    {{ label(c.name) }} <span class="muted small">{{ c.name }}</span>
                  </td>
                  <td>{{ op(c.op) }}</td>
                  <td class="num">{{ value(c.threshold) }}</td>
                  <td class="num" data-testid="criterion-actual">{{ value(c.actual) }}</td>
                  <td
                    data-testid="criterion-result"
                    [class.pos]="c.pass"
                    [class.neg]="!c.pass"
                    [class.fail]="!c.pass"
                  >
                    {{ c.pass ? 'pass' : 'fail' }}
                  </td>
                </tr>
              }
            </tbody>
          </table>

          <h3>
            Backtest versus paper, trade by trade
            <span class="muted small">
              tracking error <span data-testid="tracking-error">{{ num(ev.trackingError, 6) }}</span> ·
              matched <span data-testid="matched-count">{{ ev.matched }}</span> of {{ rows().length }} ·
              different {{ counts().different }} · missing {{ counts().missing }} · unexpected
              {{ counts().unexpected }}
            </span>
          </h3>
          @if (rows().length === 0) {
            <p class="muted" data-testid="pairs-empty">
              Neither the backtest nor the paper bot traded in the period.
            </p>
          } @else {
            <div class="scroll">
              <table class="grid pairs" data-testid="pairs-table">
                <thead>
                  <tr>
                    <th rowspan="2" class="num">#</th>
                    <th rowspan="2">Kind</th>
                    <th rowspan="2">Entry time</th>
                    <th rowspan="2">Side</th>
                    <th colspan="2" class="group">Size</th>
                    <th colspan="2" class="group">Entry price</th>
                    <th colspan="2" class="group">Exit price</th>
                    <th colspan="2" class="group">Exit time</th>
                    <th colspan="2" class="group">P&amp;L</th>
                    <th colspan="2" class="group">Fees</th>
                  </tr>
                  <tr>
                    @for (i of [0, 1, 2, 3, 4, 5]; track i) {
                      <th class="num">Backtest</th>
                      <th class="num">Paper</th>
                    }
                  </tr>
                </thead>
                <tbody>
                  @for (r of rows(); track r.index) {
                    <tr data-testid="pair-row" [attr.data-kind]="r.kind" [class]="r.kind">
                      <td class="num">{{ r.index + 1 }}</td>
                      <td>
                        <span class="badge kind" [class]="r.kind">{{ r.kind }}</span>
                      </td>
                      <td>{{ time(r.entryTime) }}</td>
                      <td>{{ r.side }}</td>
                      <td class="num" [class.diff]="r.differs.size">{{ num(r.expected?.size, 5) }}</td>
                      <td class="num" [class.diff]="r.differs.size">{{ num(r.actual?.size, 5) }}</td>
                      <td class="num" [class.diff]="r.differs.entryPrice">
                        {{ num(r.expected?.entryPrice) }}
                      </td>
                      <td class="num" [class.diff]="r.differs.entryPrice">{{ num(r.actual?.entryPrice) }}</td>
                      <td class="num" [class.diff]="r.differs.exitPrice">{{ num(r.expected?.exitPrice) }}</td>
                      <td class="num" [class.diff]="r.differs.exitPrice">{{ num(r.actual?.exitPrice) }}</td>
                      <td class="num" [class.diff]="r.differs.exitTime">{{ time(r.expected?.exitTime) }}</td>
                      <td class="num" [class.diff]="r.differs.exitTime">{{ time(r.actual?.exitTime) }}</td>
                      <td class="num" [class.diff]="r.differs.pnl">{{ num(r.expected?.pnl) }}</td>
                      <td class="num" [class.diff]="r.differs.pnl">{{ num(r.actual?.pnl) }}</td>
                      <td class="num" [class.diff]="r.differs.fees">{{ num(r.expected?.fees, 4) }}</td>
                      <td class="num" [class.diff]="r.differs.fees">{{ num(r.actual?.fees, 4) }}</td>
                    </tr>
                  }
                </tbody>
              </table>
            </div>
          }
        </div>
      } @else {
        <div class="panel muted" data-testid="evaluation-pending">
          {{
            g.status === 'paper' || g.status === 'evaluating'
              ? 'The paper period is under way; the evaluation follows it.'
              : 'No evaluation was recorded.'
          }}
        </div>
      }
    } @else if (!error()) {
      <p class="muted">Loading graduation…</p>
    }
  `,
  styles: [
    `
      .crumbs {
        margin: 0 0 8px;
        font-size: 12px;
      }
      .panel {
        margin-bottom: 12px;
      }
      .title {
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: 12px;
        margin-bottom: 8px;
      }
      .spacer {
        flex: 1;
      }
      h1 {
        font-size: 18px;
        margin: 0;
      }
      h2 {
        font-size: 13px;
        margin: 0 0 8px;
      }
      h3 {
        font-size: 12px;
        margin: 14px 0 6px;
      }
      .small {
        font-size: 11px;
        font-weight: normal;
      }
      .meta {
        font-size: 12px;
        margin: 8px 0 0;
      }
      dl {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 28px;
        margin: 0 0 8px;
      }
      dt {
        color: var(--muted);
        font-size: 11px;
      }
      dd {
        margin: 0;
        font-size: 15px;
        font-variant-numeric: tabular-nums;
      }
      .timeline {
        list-style: none;
        margin: 0;
        padding: 0;
        font-size: 12px;
      }
      .timeline li {
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: 8px;
        padding: 4px 0;
        border-bottom: 1px solid var(--border);
      }
      .when {
        font-variant-numeric: tabular-nums;
        min-width: 130px;
      }
      .criteria {
        max-width: 760px;
      }
      td.fail {
        font-weight: 600;
      }
      .scroll {
        max-height: 420px;
        overflow: auto;
      }
      .pairs td {
        white-space: nowrap;
      }
      .pairs th.group {
        text-align: center;
      }
      .pairs td.diff {
        color: var(--warn);
        background: #332b12;
        font-weight: 600;
      }
      .badge.kind.matched {
        color: var(--up);
        background: #123029;
      }
      .badge.kind.different {
        color: var(--warn);
        background: #332b12;
      }
      .badge.kind.missing,
      .badge.kind.unexpected {
        color: var(--down);
        background: #34181a;
      }
    `,
  ],
})
export class GraduationDetailPage {
  private readonly api = inject(GraduationsApiService);
  private readonly auth = inject(AuthService);

  /** The route's `:id` (component input binding). */
  readonly id = input.required<string>();

  protected readonly graduation = signal<GraduationDto | null>(null);
  protected readonly error = signal<string | null>(null);

  protected readonly steps = computed(() => orderedSteps(this.graduation()?.steps ?? []));
  protected readonly rows = computed(() => pairRows(this.graduation()?.evaluation?.pairs ?? []));
  protected readonly counts = computed(() => pairCounts(this.graduation()?.evaluation?.pairs ?? []));
  protected readonly bots = computed(() => {
    const g = this.graduation();
    return g ? graduationBots(g) : [];
  });
  protected readonly decidable = computed(() => {
    const g = this.graduation();
    return g !== null && canDecide(this.auth.user()?.role, g.status);
  });
  protected readonly rampText = computed(() =>
    (this.graduation()?.rampSteps ?? []).map((f) => formatFraction(f)).join(' → '),
  );
  protected readonly paramsText = computed(() => {
    const p = this.graduation()?.params ?? {};
    return `(${Object.entries(p)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ')})`;
  });
  protected readonly num = formatNumber;
  protected readonly time = formatTime;
  protected readonly fraction = formatFraction;
  protected readonly period = formatPeriod;
  protected readonly stepTime = formatStepTime;
  protected readonly label = criterionLabel;
  protected readonly op = opSymbol;

  private reading = false;

  constructor() {
    // The route's id arrives as an input after construction; a new id is read at once.
    effect(() => {
      this.id();
      untracked(() => {
        this.graduation.set(null);
        void this.refresh();
      });
    });
    const timer = setInterval(() => {
      const g = this.graduation();
      if (g === null || !isFinal(g.status)) void this.refresh();
    }, GRADUATION_POLL_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  /** A threshold or actual value: whole numbers as they are, others to six places at most. */
  protected value(v: number | null): string {
    if (v === null || !Number.isFinite(v)) return '—';
    return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
  }

  async refresh(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    const id = this.id();
    try {
      const g = await this.api.get(id);
      // A slow answer for an id the page has left must not replace the new one.
      if (id !== this.id()) return;
      this.graduation.set(g);
      this.error.set(null);
    } catch (err) {
      const e = toErrorResponse(err);
      this.error.set(e.statusCode === 404 ? 'No such graduation (or it is not yours).' : e.message);
    } finally {
      this.reading = false;
    }
  }

  protected decided(g: GraduationDto): void {
    this.graduation.set(g);
    void this.refresh();
  }
}
