import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { type TradeDto } from '@gauntlet/contracts';
import { formatNumber, formatTime } from '../core/format';

type SortKey =
  | 'index'
  | 'side'
  | 'entryTime'
  | 'exitTime'
  | 'entryPrice'
  | 'exitPrice'
  | 'size'
  | 'pnl'
  | 'returnPct'
  | 'fees';

interface Row extends TradeDto {
  index: number;
}

const PAGE_SIZE = 25;

@Component({
  selector: 'g-trade-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (trades().length === 0) {
      <p class="muted" data-testid="no-trades">The strategy made no trades in this range.</p>
    } @else {
      <table class="grid" data-testid="trade-table">
        <thead>
          <tr>
            @for (c of columns; track c.key) {
              <th
                [class.num]="c.num"
                (click)="sortBy(c.key)"
                class="sortable"
                [attr.aria-sort]="sortKey() === c.key ? (desc() ? 'descending' : 'ascending') : null"
              >
                {{ c.label }}
                @if (sortKey() === c.key) {
                  <span class="arrow">{{ desc() ? '▼' : '▲' }}</span>
                }
              </th>
            }
          </tr>
        </thead>
        <tbody>
          @for (t of pageRows(); track t.index) {
            <tr data-testid="trade-row">
              <td class="num">{{ t.index + 1 }}</td>
              <td>
                <span [class]="t.side">{{ t.side }}</span>
              </td>
              <td>{{ time(t.entryTime) }}</td>
              <td>{{ time(t.exitTime) }}</td>
              <td class="num">{{ num(t.entryPrice) }}</td>
              <td class="num">{{ num(t.exitPrice) }}</td>
              <td class="num">{{ num(t.size, 5) }}</td>
              <td class="num" [class.pos]="t.pnl > 0" [class.neg]="t.pnl < 0">{{ num(t.pnl) }}</td>
              <td class="num" [class.pos]="t.returnPct > 0" [class.neg]="t.returnPct < 0">
                {{ num(t.returnPct) }}
              </td>
              <td class="num">{{ num(t.fees) }}</td>
            </tr>
          }
        </tbody>
      </table>
      <div class="pager">
        <span class="muted"
          >{{ page() * pageSize + 1 }}–{{ min((page() + 1) * pageSize, trades().length) }} of
          {{ trades().length }} trades</span
        >
        <button type="button" class="ghost" [disabled]="page() === 0" (click)="page.set(page() - 1)">
          Previous
        </button>
        <span class="muted">page {{ page() + 1 }} / {{ pages() }}</span>
        <button
          type="button"
          class="ghost"
          data-testid="trades-next"
          [disabled]="page() + 1 >= pages()"
          (click)="page.set(page() + 1)"
        >
          Next
        </button>
      </div>
    }
  `,
  styles: [
    `
      .sortable {
        cursor: pointer;
        user-select: none;
      }
      .arrow {
        font-size: 9px;
      }
      .long {
        color: var(--up);
      }
      .short {
        color: var(--down);
      }
      .pager {
        display: flex;
        gap: 8px;
        align-items: center;
        justify-content: flex-end;
        margin-top: 8px;
        font-size: 12px;
      }
    `,
  ],
})
export class TradeTableComponent {
  readonly trades = input.required<readonly TradeDto[]>();
  protected readonly pageSize = PAGE_SIZE;
  protected readonly sortKey = signal<SortKey>('index');
  protected readonly desc = signal(false);
  protected readonly page = signal(0);
  protected readonly columns: { key: SortKey; label: string; num?: boolean }[] = [
    { key: 'index', label: '#', num: true },
    { key: 'side', label: 'Side' },
    { key: 'entryTime', label: 'Entry' },
    { key: 'exitTime', label: 'Exit' },
    { key: 'entryPrice', label: 'Entry px', num: true },
    { key: 'exitPrice', label: 'Exit px', num: true },
    { key: 'size', label: 'Size', num: true },
    { key: 'pnl', label: 'P&L', num: true },
    { key: 'returnPct', label: 'Return %', num: true },
    { key: 'fees', label: 'Fees', num: true },
  ];

  private readonly sorted = computed<Row[]>(() => {
    const key = this.sortKey();
    const dir = this.desc() ? -1 : 1;
    const rows = this.trades().map((t, index) => ({ ...t, index }));
    return rows.sort((a, b) => {
      const x = a[key];
      const y = b[key];
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return c === 0 ? a.index - b.index : c * dir;
    });
  });
  protected readonly pages = computed(() => Math.max(1, Math.ceil(this.trades().length / PAGE_SIZE)));
  protected readonly pageRows = computed(() =>
    this.sorted().slice(this.page() * PAGE_SIZE, (this.page() + 1) * PAGE_SIZE),
  );

  protected sortBy(key: SortKey): void {
    if (this.sortKey() === key) this.desc.update((d) => !d);
    else {
      this.sortKey.set(key);
      this.desc.set(key === 'pnl' || key === 'returnPct');
    }
    this.page.set(0);
  }

  protected num(v: number, digits = 2): string {
    return formatNumber(v, digits);
  }

  protected time(iso: string): string {
    return formatTime(iso);
  }

  protected min(a: number, b: number): number {
    return Math.min(a, b);
  }
}
