import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { type ParamSpec, type ParamValue, type StrategyDescriptor } from '@gauntlet/contracts';

/** `int 2…200`: the type and range shown beside a parameter's name. */
export function paramHint(p: ParamSpec): string {
  if (p.type === 'enum' || p.type === 'bool') return p.type;
  const range = p.min !== undefined || p.max !== undefined ? ` ${p.min ?? '−∞'}…${p.max ?? '∞'}` : '';
  return `${p.type}${range}`;
}

/** Every parameter at its declared default. */
export function defaultParams(strategy: StrategyDescriptor | undefined): Record<string, ParamValue> {
  return Object.fromEntries((strategy?.params ?? []).map((p) => [p.name, p.default]));
}

/**
 * One input per entry of a strategy's ParamSpec, as the new-backtest form lays them out, with
 * the API's `params.<name>` errors beside each.
 */
@Component({
  selector: 'g-param-fields',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="grid-fields">
      @for (p of strategy().params; track p.name) {
        <label class="field" [attr.data-param]="p.name">
          <span
            >{{ p.name }} <em>{{ hint(p) }}</em></span
          >
          @switch (p.type) {
            @case ('enum') {
              <select
                [name]="'p_' + p.name"
                [ngModel]="values()[p.name]"
                (ngModelChange)="changed.emit({ name: p.name, value: $event })"
              >
                @for (o of p.options ?? []; track o) {
                  <option [value]="o">{{ o }}</option>
                }
              </select>
            }
            @case ('bool') {
              <input
                type="checkbox"
                [name]="'p_' + p.name"
                [ngModel]="values()[p.name]"
                (ngModelChange)="changed.emit({ name: p.name, value: $event })"
              />
            }
            @default {
              <input
                type="number"
                [name]="'p_' + p.name"
                [attr.min]="p.min ?? null"
                [attr.max]="p.max ?? null"
                [attr.step]="p.type === 'int' ? 1 : (p.step ?? 'any')"
                [ngModel]="values()[p.name]"
                (ngModelChange)="changed.emit({ name: p.name, value: $event })"
              />
            }
          }
          <small class="muted">{{ p.description }}</small>
          @for (e of errors()['params.' + p.name]; track e) {
            <small class="field-error" data-testid="field-error">{{ e }}</small>
          }
        </label>
      }
    </div>
    @for (c of strategy().constraints; track c.expression) {
      <small class="muted">Requires {{ c.expression }}: {{ c.description }}</small>
    }
    @for (e of errors()['params']; track e) {
      <small class="field-error" data-testid="field-error">{{ e }}</small>
    }
  `,
  styles: [
    `
      :host {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .grid-fields {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(210px, 1fr));
        gap: 10px 16px;
      }
      .field {
        display: flex;
        flex-direction: column;
        gap: 3px;
        font-size: 12px;
      }
      .field > span {
        color: var(--muted);
      }
      .field em {
        font-style: normal;
        color: var(--faint);
        font-size: 11px;
      }
    `,
  ],
})
export class ParamFieldsComponent {
  readonly strategy = input.required<StrategyDescriptor>();
  readonly values = input.required<Record<string, ParamValue>>();
  /** API field errors by dotted path. */
  readonly errors = input<Record<string, string[]>>({});
  readonly changed = output<{ name: string; value: ParamValue | null }>();

  protected readonly hint = paramHint;
}
