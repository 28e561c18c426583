import { ComputePool } from '@gauntlet/compute';

export interface Output {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: Output;
  stderr: Output;
  /** Whether to draw progress on stderr (a terminal is watching). */
  progress?: boolean;
}

/** What the commands create that tests may want to replace. */
export interface CliDeps {
  createPool(size: number): ComputePool;
}

export interface CliContext {
  io: CliIo;
  deps: CliDeps;
}

export const defaultDeps: CliDeps = {
  createPool: (size) => new ComputePool({ size }),
};
