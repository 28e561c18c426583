import { type ParamValue } from './common';

export type ParamType = 'int' | 'float' | 'enum' | 'bool';

/** A strategy parameter as the strategy declares it; sweeps and UI forms are generated from it. */
export interface ParamSpec {
  name: string;
  type: ParamType;
  description: string;
  default: ParamValue;
  /** Inclusive bounds for `int` and `float`. */
  min?: number;
  max?: number;
  /** A sensible grid step for sweeps and form spinners. */
  step?: number;
  /** The allowed values of an `enum`. */
  options?: string[];
}

/** A cross-parameter rule, e.g. `fast < slow`, checked before a run. */
export interface ParamConstraint {
  expression: string;
  description: string;
}

export interface StrategyDescriptor {
  id: string;
  name: string;
  description: string;
  params: ParamSpec[];
  constraints: ParamConstraint[];
}
