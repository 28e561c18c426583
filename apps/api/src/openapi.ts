// Prints the OpenAPI document without connecting to anything: used to regenerate docs/openapi.json.
import { createApp, buildOpenApi } from './bootstrap';

async function main(): Promise<void> {
  process.env['GAUNTLET_OPENAPI_ONLY'] = '1';
  const app = await createApp({ logger: false });
  process.stdout.write(JSON.stringify(buildOpenApi(app), null, 2) + '\n');
  await app.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
