import { ConfigError, DEV_ADMIN_PASSWORD, loadConfig, taskQueue } from './config';

const prodSecrets = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a'.repeat(40),
  GAUNTLET_ADMIN_PASSWORD: 'a-real-password',
  GAUNTLET_ENCRYPTION_KEY: 'ab'.repeat(32),
};

describe('loadConfig', () => {
  it('gives working development defaults with no environment at all', () => {
    const c = loadConfig({});
    expect(c.env).toBe('development');
    expect(c.databaseUrl).toBe('postgres://gauntlet:gauntlet@127.0.0.1:5432/gauntlet');
    expect(c.apiPort).toBe(3000);
    expect(c.apiBaseUrl).toBe('http://127.0.0.1:3000');
    expect(c.adminPassword).toBe(DEV_ADMIN_PASSWORD);
    expect(taskQueue({ taskQueuePrefix: 'it-' }, 'research')).toBe('it-research');
  });

  it('starts in production when every secret is set', () => {
    expect(loadConfig(prodSecrets).env).toBe('production');
  });

  it.each([
    ['JWT_SECRET', undefined],
    ['JWT_SECRET', 'short'],
    ['GAUNTLET_ADMIN_PASSWORD', undefined],
    ['GAUNTLET_ENCRYPTION_KEY', undefined],
  ])('refuses to start in production when %s is %p', (name, value) => {
    const env: Record<string, string | undefined> = { ...prodSecrets, [name]: value };
    expect(() => loadConfig(env)).toThrow(new RegExp(name));
  });

  it.each([
    [{ API_PORT: '70000' }, /API_PORT must be an integer from 0 to 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must use postgres: or postgresql:/],
    [{ DATABASE_SCHEMA: 'Robert"; DROP' }, /DATABASE_SCHEMA/],
    [{ GAUNTLET_ENCRYPTION_KEY: 'xyz' }, /64 hex characters/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
  ])('names the variable and the reason for %p', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
