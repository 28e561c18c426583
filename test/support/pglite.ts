import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';

interface Reply {
  id?: number;
  ready?: boolean;
  rows?: unknown[];
  error?: string;
}

/**
 * The TimescaleDB-enabled WebAssembly PostgreSQL, driven from a child process (see
 * pglite-host.mjs). Values cross the boundary by structured clone, so dates stay dates.
 */
export class PGliteTimescale {
  private next = 1;
  private readonly pending = new Map<number, { ok: (r: unknown[]) => void; fail: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: Reply) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) p?.fail(new Error(m.error));
      else p?.ok(m.rows ?? []);
    });
  }

  static async start(): Promise<PGliteTimescale> {
    const child = fork(resolve(__dirname, 'pglite-host.mjs'), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((ok, fail) => {
      child.once('message', () => ok());
      child.once('exit', (code) => fail(new Error(`the PGlite host exited with ${code}`)));
    });
    return new PGliteTimescale(child);
  }

  private send(message: Record<string, unknown>): Promise<unknown[]> {
    const id = this.next++;
    return new Promise((ok, fail) => {
      this.pending.set(id, { ok, fail });
      this.child.send({ ...message, id });
    });
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.send({ op: 'query', sql, params }) as Promise<T[]>;
  }

  queryArrays(sql: string, params?: unknown[]): Promise<unknown[][]> {
    return this.send({ op: 'query', sql, params, rowMode: 'array' }) as Promise<unknown[][]>;
  }

  exec(sql: string): Promise<unknown[]> {
    return this.send({ op: 'exec', sql });
  }

  async close(): Promise<void> {
    await this.send({ op: 'close' });
  }
}
