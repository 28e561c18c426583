import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Every state-changing API request, who made it and how it ended. Bodies are never stored. */
export class AuditLog1795305700000 implements MigrationInterface {
  name = 'AuditLog1795305700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        user_id uuid,
        method text NOT NULL,
        path text NOT NULL,
        status integer NOT NULL,
        ip text,
        duration_ms integer NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_log_user_at_idx ON audit_log (user_id, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
  }
}
