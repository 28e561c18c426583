import { type EngineSemantics, type FeeSettings } from './backtests';
import { type InstrumentId, type ParamValue, type ParamValues, type Timeframe } from './common';

/** One swept parameter with the values it takes. */
export interface SweepAxis {
  name: string;
  values: ParamValue[];
}

/**
 * The combinations a sweep runs. `grid` with no axes sweeps every numeric parameter over its
 * declared `min..max` by `step` (enums over their options); `random` draws `count` combinations
 * from the same ranges with a seeded generator, so the same seed always draws the same cells.
 */
export type SweepSpace =
  | { kind: 'grid'; axes?: SweepAxis[] }
  | { kind: 'random'; count: number; seed: number; axes?: SweepAxis[] }
  | TpeSweepSpace;

/**
 * An adaptive search: a seeded Tree-structured Parzen Estimator proposes `trials` cells in rounds
 * of `roundSize`; each round's proposals depend only on the seed, the canonical input and the
 * results of the earlier rounds (in cell order), so a re-run proposes exactly the same cells.
 * The first `startup` cells are random draws.
 */
export interface TpeSweepSpace {
  kind: 'tpe';
  trials: number;
  seed: number;
  /** Cells proposed together; the next round sees their results. Default: a tenth of `trials`, 4 to 256. */
  roundSize?: number;
  /** Random cells before the model takes over. Default `max(10, roundSize)`, at most `trials`. */
  startup?: number;
  axes?: SweepAxis[];
}

/** Bounds of a TPE space's fields, shared by the API's validation and the docs. */
export const TPE_MAX_TRIALS = 5000;
export const TPE_MAX_ROUND_SIZE = 1000;

export interface SweepConstraints {
  /** Cells with fewer trades are kept in the table but not ranked. */
  minTrades?: number;
  /** Extra cross-parameter rules, e.g. `slow >= 2 * fast`; the strategy's own rules always apply. */
  params?: string[];
}

export interface SweepRequest {
  strategy: string;
  instrument: InstrumentId;
  timeframe: Timeframe;
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive. */
  to: string;
  initialCash: number;
  fees?: FeeSettings;
  semantics?: EngineSemantics;
  /** Parameters held fixed in every cell. */
  fixed?: ParamValues;
  space: SweepSpace;
  /** A metric name (`returnPct`, `sharpe`, …). Default `returnPct`. */
  objective?: string;
  /** Default `max`. */
  direction?: 'max' | 'min';
  constraints?: SweepConstraints;
  /** How many of the best cells the report lists. Default 10. */
  topN?: number;
  /** Cells per batch activity; by default about 64 batches, 20 to 2,000 cells each. */
  batchSize?: number;
}

/** The canonical sweep input stored on the job row; every default filled in. */
export interface CanonicalSweepInput {
  strategy: string;
  instrument: string;
  timeframe: Timeframe;
  from: string;
  to: string;
  initialCash: number;
  fees: { commission: number; fixedPerFill: number; slippageBps: number; spreadBps: number };
  semantics: EngineSemantics;
  fixed: ParamValues;
  space: SweepSpace;
  objective: string;
  direction: 'max' | 'min';
  constraints: { minTrades: number; params: string[] };
  topN: number;
  /** How many combinations the space expands to after the parameter rules. */
  cells: number;
  /** Cells per batch activity. */
  batchSize: number;
  researchVersion: string;
  /** The walk-forward job this sweep is a fold of. */
  parentJobId?: string;
}

export interface SweepMetricsDto {
  equityFinal: number | null;
  equityPeak: number | null;
  returnPct: number | null;
  maxDrawdownPct: number | null;
  tradeCount: number;
  winRatePct: number | null;
  profitFactor: number | null;
  feesPaid: number;
}

export interface SweepResultRow {
  index: number;
  params: ParamValues;
  metrics: SweepMetricsDto;
  objective: number | null;
  /** Whether the cell met the constraints and is ranked. */
  passed: boolean;
  error: string | null;
}

export interface OverfittingReport {
  trials: number;
  /** Probability that the best cell's true Sharpe is above zero, after the number of trials. */
  deflatedSharpe: number | null;
  /** Probability of backtest overfitting by combinatorially symmetric cross-validation. */
  pbo: number | null;
  /** The figures in one plain sentence. */
  reading: string;
}

export interface SweepSummary {
  trials: number;
  passed: number;
  failed: number;
  top: SweepResultRow[];
  overfitting: OverfittingReport | null;
}

export interface SweepReportDto extends SweepSummary {
  jobId: string;
  input: CanonicalSweepInput;
  dataVersion: string;
  engineVersion: string;
  links: { job: string; results: string };
}

/** Metrics a sweep can optimise: the fast per-cell figures and every numeric report figure. */
export const SWEEP_OBJECTIVES = [
  'equityFinal',
  'equityPeak',
  'returnPct',
  'maxDrawdownPct',
  'tradeCount',
  'winRatePct',
  'profitFactor',
  'feesPaid',
  'returnAnnualizedPct',
  'cagrPct',
  'volatilityAnnualizedPct',
  'sharpe',
  'sortino',
  'calmar',
  'maxDrawdownDurationMs',
  'avgDrawdownPct',
  'ulcerIndex',
  'exposurePct',
  'bestTradePct',
  'worstTradePct',
  'avgTradePct',
  'expectancy',
  'expectancyPct',
  'sqn',
  'kellyCriterion',
  'alphaPct',
  'beta',
  'skew',
  'kurtosis',
  'tailRatio',
  'valueAtRisk95Pct',
  'conditionalValueAtRisk95Pct',
] as const;

export const SWEEP_SORT_KEYS = [
  'index',
  'objective',
  'returnPct',
  'maxDrawdownPct',
  'tradeCount',
  'winRatePct',
  'profitFactor',
] as const;
export type SweepSortKey = (typeof SWEEP_SORT_KEYS)[number];

export interface SweepResultsQuery {
  sort?: SweepSortKey;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export const SWEEP_WORKFLOW_TYPE = 'sweepWorkflow';

/** Carried across continue-as-new: a cursor and counts only, never results. */
export interface SweepWorkflowInput {
  jobId: string;
  /** The next batch to start. */
  nextBatch?: number;
  /** An adaptive sweep: the next round to propose. */
  nextRound?: number;
  /** Batches finished before this run of the workflow. */
  batchesDone?: number;
  /** Cells finished before this run of the workflow. */
  cellsDone?: number;
}

export interface SweepWorkflowResult {
  jobId: string;
  trials: number;
}

export interface SweepPlan {
  cells: number;
  batchSize: number;
  batches: number;
  /** How many batches run at once. */
  concurrency: number;
  /**
   * An adaptive (TPE) sweep runs in rounds of `roundSize` cells, each cut into `batchesPerRound`
   * batches; batch `k` belongs to round `floor(k / batchesPerRound)`. Absent for grid and random.
   */
  rounds?: { count: number; roundSize: number; batchesPerRound: number };
}

export interface SweepRoundProposal {
  round: number;
  /** First cell index of the round. */
  start: number;
  cells: number;
}

export interface SweepBatchResult {
  batch: number;
  cells: number;
  passed: number;
}

/** The sweep workflow's activities; workflows import this type only. */
export interface SweepActivities {
  markJobRunning(input: { jobId: string }): Promise<void>;
  markJobFinished(input: {
    jobId: string;
    status: 'completed' | 'failed' | 'cancelled';
    error?: { message: string; where?: string };
  }): Promise<void>;
  planSweep(input: { jobId: string }): Promise<SweepPlan>;
  /** Adaptive sweeps: proposes and stores one round's cells from the results of the earlier rounds. */
  proposeSweepRound(input: { jobId: string; round: number }): Promise<SweepRoundProposal>;
  runSweepBatch(input: { jobId: string; batch: number }): Promise<SweepBatchResult>;
  reportSweepProgress(input: { jobId: string; cellsDone: number; cells: number }): Promise<void>;
  finishSweep(input: { jobId: string }): Promise<{ trials: number }>;
}

/** Everything that determined a job's result, for `GET /api/jobs/:id/lineage`. */
export interface JobLineageDto {
  jobId: string;
  kind: string;
  status: string;
  /** The canonical input the job id was derived from. */
  input: Record<string, unknown>;
  dataVersion: string;
  engineVersion: string;
  /** Version of the research library's cell expansion, for sweeps. */
  researchVersion: string | null;
  /** The random seed, when the job draws random numbers. */
  seed: number | null;
  workflowId: string;
  createdAt: string;
  finishedAt: string | null;
  /** SHA-256 of the stored results in a fixed order; equal digests mean byte-identical results. */
  resultsDigest: string | null;
}

export const MONTE_CARLO_METHODS = [
  'shuffle',
  'bootstrap',
  'block-bootstrap',
  'skip',
  'perturbation',
] as const;
export type MonteCarloMethodName = (typeof MONTE_CARLO_METHODS)[number];

export interface MonteCarloRequest {
  /** A completed backtest job; its trades are resampled. */
  backtestId: string;
  method: MonteCarloMethodName;
  /** Default 1000. */
  runs?: number;
  /** Default 1. */
  seed?: number;
  /** For `block-bootstrap`; default √(number of trades). */
  blockLength?: number;
  /** For `skip`; default 0.1. */
  skipProbability?: number;
  /** Loss that counts as ruin, as a fraction of the starting equity; default 0.5. */
  ruinLoss?: number;
  /**
   * For `perturbation`: each numeric parameter moves by a uniform relative amount within
   * ±`perturbation` (0.1 = ±10%); default 0.1.
   */
  perturbation?: number;
}

export interface CanonicalMonteCarloInput {
  backtestId: string;
  method: MonteCarloMethodName;
  runs: number;
  seed: number;
  blockLength: number | null;
  skipProbability: number | null;
  ruinLoss: number;
  /** Present for `perturbation` only, so the other methods' inputs (and job ids) are unchanged. */
  perturbation?: number;
  researchVersion: string;
}

export interface PercentileBands {
  p5: number[];
  p25: number[];
  p50: number[];
  p75: number[];
  p95: number[];
}

export interface PercentileSummary {
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

export interface MonteCarloSummary {
  runs: number;
  trades: number;
  /** Per trade step, equity relative to the start (1 = unchanged). */
  equity: PercentileBands;
  /** Per trade step, drawdown from the running peak as a fraction. */
  drawdown: PercentileBands;
  finalReturn: PercentileSummary;
  maxDrawdown: PercentileSummary;
  /** Histograms of final return and maximum drawdown: bin edges (fractions) and counts. */
  finalReturnHistogram: { edges: number[]; counts: number[] };
  maxDrawdownHistogram: { edges: number[]; counts: number[] };
  probabilityOfRuin: number;
  /**
   * `perturbation` only: the bands are per sampled bar of the re-run equity curves (these times)
   * rather than per trade; `trades` is the source backtest's trade count.
   */
  stepTimes?: string[];
  perturbation?: PerturbationSummary;
}

export interface PerturbationSummary {
  /** The relative amount each numeric parameter moved within. */
  relative: number;
  /** The parameters that were perturbed. */
  params: string[];
  /** The source backtest's parameters. */
  base: ParamValues;
  /** Percentiles of the trade count over the perturbed runs. */
  tradeCount: PercentileSummary;
}

export interface MonteCarloReportDto extends MonteCarloSummary {
  jobId: string;
  input: CanonicalMonteCarloInput;
  links: { job: string; backtest: string };
}

export const MONTE_CARLO_WORKFLOW_TYPE = 'monteCarloWorkflow';

export interface MonteCarloActivities {
  markJobRunning(input: { jobId: string }): Promise<void>;
  markJobFinished(input: {
    jobId: string;
    status: 'completed' | 'failed' | 'cancelled';
    error?: { message: string; where?: string };
  }): Promise<void>;
  runMonteCarlo(input: { jobId: string }): Promise<{ runs: number }>;
}

export interface WalkForwardRequest extends Omit<SweepRequest, 'topN'> {
  mode: 'rolling' | 'anchored';
  inSampleDays: number;
  outOfSampleDays: number;
  /** Default `outOfSampleDays`, so the out-of-sample windows tile the range. */
  stepDays?: number;
}

export interface CanonicalWalkForwardInput {
  /** The sweep every fold runs in-sample; its from/to span the whole walk-forward. */
  sweep: CanonicalSweepInput;
  mode: 'rolling' | 'anchored';
  inSampleMs: number;
  outOfSampleMs: number;
  stepMs: number;
  folds: number;
}

export interface WalkForwardFoldDto {
  index: number;
  inSample: { from: string; to: string };
  outOfSample: { from: string; to: string };
  sweepJobId: string;
  /** The in-sample winner; null when no cell passed the constraints. */
  params: ParamValues | null;
  inSampleReturnPct: number | null;
  outOfSampleReturnPct: number;
  outOfSampleMaxDrawdownPct: number;
  outOfSampleTrades: number;
  /** Annualised out-of-sample return over annualised in-sample return. */
  efficiency: number | null;
}

export interface ParameterStability {
  name: string;
  /** How many folds chose each value. */
  counts: Array<{ value: ParamValue; folds: number }>;
  /** Share of folds that chose the most common value. */
  modalShare: number;
  /** Standard deviation over mean, for numeric parameters. */
  coefficientOfVariation: number | null;
}

export interface WalkForwardSummary {
  folds: WalkForwardFoldDto[];
  /** Σ out-of-sample return rate over Σ in-sample return rate. */
  efficiency: number | null;
  /** Compounded return of the stitched out-of-sample equity, in percent. */
  outOfSampleReturnPct: number;
  /** Cells run over all folds. */
  trials: number;
  stability: ParameterStability[];
  /** Null on reports stored before the figures existed. */
  overfitting?: WalkForwardOverfitting | null;
}

export interface FoldOverfitting {
  fold: number;
  sweepJobId: string;
  trials: number;
  deflatedSharpe: number | null;
  pbo: number | null;
  reading: string;
}

/**
 * The folds' in-sample searches judged for overfitting. `trials` is the sum over the folds' child
 * sweeps; `deflatedSharpe` and `pbo` are the means over the folds that have the figure (every
 * fold's PBO counts the same number of splits, so the mean PBO is the share of all splits).
 */
export interface WalkForwardOverfitting extends OverfittingReport {
  folds: FoldOverfitting[];
}

export interface WalkForwardReportDto extends WalkForwardSummary {
  jobId: string;
  input: CanonicalWalkForwardInput;
  links: { job: string; equity: string; sweeps: string[] };
}

export const WALK_FORWARD_WORKFLOW_TYPE = 'walkForwardWorkflow';

export interface WalkForwardActivities {
  markJobRunning(input: { jobId: string }): Promise<void>;
  markJobFinished(input: {
    jobId: string;
    status: 'completed' | 'failed' | 'cancelled';
    error?: { message: string; where?: string };
  }): Promise<void>;
  planWalkForward(input: { jobId: string }): Promise<{ folds: number }>;
  /** Creates (or finds) the fold's sweep job and returns its id, which is also its workflow id. */
  prepareFoldSweep(input: { jobId: string; fold: number }): Promise<string>;
  runFoldOutOfSample(input: { jobId: string; fold: number; sweepJobId: string }): Promise<void>;
  finishWalkForward(input: { jobId: string }): Promise<void>;
}
