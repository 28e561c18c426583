import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildOpenApi, createApp } from '../apps/api/src/bootstrap';

/** The committed OpenAPI document must be what the code generates: API changes show up in review. */
describe('docs/openapi.json', () => {
  it('matches the document generated from the controllers (run npm run openapi:generate)', async () => {
    const app = await createApp({ logger: false });
    try {
      const generated = JSON.parse(JSON.stringify(buildOpenApi(app))) as Record<string, unknown>;
      const committed = JSON.parse(
        readFileSync(resolve(__dirname, '../docs/openapi.json'), 'utf8'),
      ) as Record<string, unknown>;
      expect(committed).toEqual(generated);
      expect(Object.keys(generated['paths'] as object)).toEqual(
        expect.arrayContaining([
          '/api/backtests',
          '/api/jobs/{id}/events',
          '/api/backtests/{id}/equity',
          '/api/health',
        ]),
      );
    } finally {
      await app.close();
    }
  });
});
