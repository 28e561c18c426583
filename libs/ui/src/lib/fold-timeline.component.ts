import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { foldSpans, type Span } from './research-math';

export interface TimelineFold {
  index: number;
  inSample: Span;
  outOfSample: Span;
}

/**
 * The walk-forward's folds on one time line, one row each: the in-sample window, then the
 * out-of-sample window it was tested on. Plain elements, so it needs no chart library.
 */
@Component({
  selector: 'g-fold-timeline',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="axis">
      <span>{{ day(layout().start) }}</span>
      <span class="legend"><i class="is"></i> in-sample <i class="oos"></i> out-of-sample</span>
      <span>{{ day(layout().end) }}</span>
    </div>
    @for (f of layout().folds; track f.index; let i = $index) {
      <div class="row" data-testid="fold-entry" [attr.data-fold]="f.index">
        <span class="label">fold {{ f.index + 1 }}</span>
        <div class="track">
          <div
            class="span is"
            [style.left.%]="f.inSample.left"
            [style.width.%]="f.inSample.width"
            [title]="title('in-sample', folds()[i]?.inSample)"
          ></div>
          <div
            class="span oos"
            [style.left.%]="f.outOfSample.left"
            [style.width.%]="f.outOfSample.width"
            [title]="title('out-of-sample', folds()[i]?.outOfSample)"
          ></div>
        </div>
      </div>
    }
  `,
  styles: [
    `
      :host {
        display: block;
        font-size: 11px;
      }
      .axis {
        display: flex;
        justify-content: space-between;
        color: var(--muted, #9aa4b2);
        margin: 0 0 4px 56px;
      }
      .legend i {
        display: inline-block;
        width: 10px;
        height: 10px;
        vertical-align: middle;
        margin: 0 2px 0 8px;
      }
      .row {
        display: flex;
        align-items: center;
        gap: 8px;
        height: 18px;
      }
      .label {
        width: 48px;
        color: var(--muted, #9aa4b2);
        text-align: right;
      }
      .track {
        position: relative;
        flex: 1;
        height: 12px;
        background: var(--panel-2, #161b22);
        border-radius: 2px;
      }
      .span {
        position: absolute;
        top: 0;
        bottom: 0;
      }
      .is {
        background: #4c9aff;
        opacity: 0.55;
      }
      .oos {
        background: #26a69a;
      }
    `,
  ],
})
export class FoldTimelineComponent {
  readonly folds = input.required<TimelineFold[]>();
  protected readonly layout = computed(() => foldSpans(this.folds()));

  protected day(ms: number): string {
    return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString().slice(0, 10) : '';
  }

  protected title(kind: string, s: Span | undefined): string {
    return s ? `${kind} ${s.from.slice(0, 10)} → ${s.to.slice(0, 10)}` : kind;
  }
}
