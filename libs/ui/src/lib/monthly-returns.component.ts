import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { type PeriodReturn } from '@gauntlet/contracts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface MonthlyRow {
  year: string;
  months: (number | null)[];
  total: number | null;
}

/** Lays `YYYY-MM` returns out as one row per year, with the year's own return at the end. */
export function monthlyGrid(monthly: readonly PeriodReturn[], yearly: readonly PeriodReturn[]): MonthlyRow[] {
  const rows = new Map<string, MonthlyRow>();
  const row = (year: string): MonthlyRow => {
    let r = rows.get(year);
    if (!r) {
      r = { year, months: new Array<number | null>(12).fill(null), total: null };
      rows.set(year, r);
    }
    return r;
  };
  for (const m of monthly) {
    const [year, month] = m.period.split('-');
    const idx = Number(month) - 1;
    if (year && idx >= 0 && idx < 12) row(year).months[idx] = m.returnPct;
  }
  for (const y of yearly) row(y.period).total = y.returnPct;
  return [...rows.values()].sort((a, b) => a.year.localeCompare(b.year));
}

@Component({
  selector: 'g-monthly-returns',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (rows().length === 0) {
      <p class="empty">No monthly returns: the run is shorter than a month.</p>
    } @else {
      <table>
        <thead>
          <tr>
            <th>Year</th>
            @for (m of months; track m) {
              <th>{{ m }}</th>
            }
            <th>Year</th>
          </tr>
        </thead>
        <tbody>
          @for (r of rows(); track r.year) {
            <tr>
              <th>{{ r.year }}</th>
              @for (v of r.months; track $index) {
                <td [class.pos]="v !== null && v > 0" [class.neg]="v !== null && v < 0">
                  {{ v === null ? '' : v.toFixed(2) }}
                </td>
              }
              <td
                class="total"
                [class.pos]="r.total !== null && r.total > 0"
                [class.neg]="r.total !== null && r.total < 0"
              >
                {{ r.total === null ? '' : r.total.toFixed(2) }}
              </td>
            </tr>
          }
        </tbody>
      </table>
    }
  `,
  styles: [
    `
      :host {
        display: block;
        overflow-x: auto;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-variant-numeric: tabular-nums;
        font-size: 12px;
      }
      th,
      td {
        padding: 4px 6px;
        text-align: right;
        border-bottom: 1px solid var(--border, #232a35);
      }
      th {
        color: var(--muted, #9aa4b2);
        font-weight: 500;
      }
      td.pos {
        color: var(--up, #26a69a);
      }
      td.neg {
        color: var(--down, #ef5350);
      }
      td.total {
        font-weight: 600;
      }
      .empty {
        color: var(--muted, #9aa4b2);
      }
    `,
  ],
})
export class MonthlyReturnsComponent {
  readonly monthly = input.required<readonly PeriodReturn[]>();
  readonly yearly = input<readonly PeriodReturn[]>([]);
  protected readonly months = MONTHS;
  protected readonly rows = computed(() => monthlyGrid(this.monthly(), this.yearly()));
}
