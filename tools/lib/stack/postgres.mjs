// PostgreSQL for the local stack: reuse a running server, else start the installed Debian cluster,
// else install Debian's package (as root), else explain. Then make sure the role and databases exist.
import { readFileSync, readdirSync } from 'node:fs';
import { StackError, updateState, readState } from './config.mjs';
import { isLocalHost, tcpProbe } from './net.mjs';
import { isRoot, run, runInherit, sleep, tailFile, which } from './sys.mjs';

const SERVICE = 'postgres';

/** A child environment without the caller's PG* variables, which would override our arguments. */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PG')) env[key] = value;
  return { ...env, PGCONNECT_TIMEOUT: '5', ...extra };
}

function quoteIdent(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(value) {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `pg_isready` exit codes: 0 accepting, 1 rejecting (starting up or shutting down), 2 no answer. */
async function pgIsReady(pg) {
  if (!which('pg_isready')) return null;
  const r = await run('pg_isready', ['-h', pg.host, '-p', String(pg.port), '-t', '3'], { env: cleanEnv() });
  return r.code;
}

async function isHealthy(pg) {
  if (!(await tcpProbe(pg.host, pg.port)))
    return { ok: false, detail: `nothing listens on ${pg.host}:${pg.port}` };
  const ready = await pgIsReady(pg);
  if (ready === null || ready === 0)
    return { ok: true, detail: ready === 0 ? 'accepting connections' : 'port open' };
  return {
    ok: false,
    detail: ready === 1 ? 'rejecting connections (starting up?)' : 'no answer to pg_isready',
  };
}

/** Rows of `pg_lsclusters` (Debian's postgresql-common), or [] where it does not exist. */
export async function listClusters() {
  if (!which('pg_lsclusters')) return [];
  const r = await run('pg_lsclusters', ['--no-header']);
  if (r.code !== 0) return [];
  return r.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 6)
    .map(([version, name, port, status, owner, dataDir, logFile]) => ({
      version,
      name,
      port: Number(port),
      status,
      owner,
      dataDir,
      logFile,
    }));
}

async function waitHealthy(pg, timeoutMs, logFile) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await isHealthy(pg);
    if (last.ok) return;
    await sleep(500);
  }
  throw new StackError(
    SERVICE,
    `PostgreSQL did not become ready on ${pg.host}:${pg.port} within ${timeoutMs / 1000} s: ${last?.detail}`,
    {
      logFile,
      logTail: tailFile(logFile),
    },
  );
}

async function startCluster(cluster, log) {
  log(`  starting PostgreSQL cluster ${cluster.version}/${cluster.name} (port ${cluster.port})`);
  const args = ['--skip-systemctl-redirect', cluster.version, cluster.name, 'start'];
  // The cluster's owner may start it; root does so through pg_ctlcluster, which switches user itself.
  const r = await run('pg_ctlcluster', args, { timeoutMs: 120_000 });
  if (r.code !== 0) {
    throw new StackError(
      SERVICE,
      `pg_ctlcluster ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`,
      {
        hint: isRoot
          ? `Look at ${cluster.logFile} for the reason.`
          : `Start it as root or as ${cluster.owner}: sudo pg_ctlcluster ${cluster.version} ${cluster.name} start`,
        logFile: cluster.logFile,
        logTail: tailFile(cluster.logFile),
      },
    );
  }
}

async function installPostgres(log) {
  log("  PostgreSQL is not installed: installing Debian's package (apt-get install -y postgresql)");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if ((await runInherit('apt-get', ['update'], { env })) !== 0) {
    throw new StackError(SERVICE, 'apt-get update failed', {
      hint: 'Check the network and /etc/apt/sources.list, then rerun.',
    });
  }
  if (
    (await runInherit('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env })) !== 0
  ) {
    throw new StackError(SERVICE, 'apt-get install postgresql failed', {
      hint: 'Install it by hand: apt-get install postgresql',
    });
  }
}

function notAvailableError(pg) {
  return new StackError(
    SERVICE,
    `PostgreSQL is not running on ${pg.host}:${pg.port} and no installed cluster was found`,
    {
      hint: [
        'Do one of:',
        "  • as root, rerun this command: it installs PostgreSQL from Debian's packages (apt-get install postgresql);",
        '  • install and start it yourself: sudo apt-get install -y postgresql && sudo pg_ctlcluster 15 main start',
        '    (macOS: brew install postgresql@16 && brew services start postgresql@16);',
        '  • or point DATABASE_URL at a running server, e.g. DATABASE_URL=postgres://gauntlet:gauntlet@db.example:5432/gauntlet',
      ].join('\n'),
    },
  );
}

/** Brings PostgreSQL up (or finds it up). Returns { started, how, cluster? }. */
async function ensureServer(config, log) {
  const pg = config.postgres;
  const health = await isHealthy(pg);
  if (health.ok) {
    const state = readState(config)[SERVICE];
    return { started: false, how: state?.started && state.port === pg.port ? 'already started' : 'reused' };
  }
  if (await tcpProbe(pg.host, pg.port)) {
    // Listening but not ready: a server that is starting up. Give it the usual time.
    await waitHealthy(pg, config.timeoutMs);
    return { started: false, how: 'reused' };
  }
  if (!isLocalHost(pg.host)) {
    throw new StackError(SERVICE, `cannot reach PostgreSQL at ${pg.host}:${pg.port}`, {
      hint: 'The stack scripts start PostgreSQL only on this machine; start the remote server or fix DATABASE_URL.',
    });
  }
  let clusters = await listClusters();
  let installed = false;
  if (clusters.length === 0 && !which('pg_ctlcluster')) {
    if (!(isRoot && which('apt-get'))) throw notAvailableError(pg);
    await installPostgres(log);
    installed = true;
    clusters = await listClusters();
  }
  let cluster = clusters.find((c) => c.port === pg.port);
  if (!cluster && clusters.length === 0 && which('pg_createcluster') && (isRoot || installed)) {
    // The package was installed with cluster creation disabled: create the default one.
    let versions = [];
    try {
      versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v));
    } catch {
      // no server binaries at all; reported below
    }
    const version = versions.sort((a, b) => Number(b) - Number(a))[0];
    if (version) {
      log(`  creating PostgreSQL cluster ${version}/main on port ${pg.port}`);
      const r = await run('pg_createcluster', [version, 'main', '--port', String(pg.port)], {
        timeoutMs: 120_000,
      });
      if (r.code !== 0)
        throw new StackError(SERVICE, `pg_createcluster failed: ${(r.stderr || r.stdout).trim()}`);
      clusters = await listClusters();
      cluster = clusters.find((c) => c.port === pg.port);
    }
  }
  if (!cluster) {
    if (clusters.length > 0) {
      const list = clusters.map((c) => `${c.version}/${c.name} on port ${c.port} (${c.status})`).join(', ');
      throw new StackError(
        SERVICE,
        `no PostgreSQL cluster is configured for port ${pg.port}; found ${list}`,
        {
          hint: `Set DATABASE_URL to use one of those ports, e.g. DATABASE_URL=postgres://gauntlet:gauntlet@127.0.0.1:${clusters[0].port}/gauntlet`,
        },
      );
    }
    throw notAvailableError(pg);
  }
  if (cluster.status !== 'online') await startCluster(cluster, log);
  await waitHealthy(pg, config.timeoutMs, cluster.logFile);
  return {
    started: cluster.status !== 'online',
    installed,
    how: 'pg_ctlcluster',
    cluster: `${cluster.version}/${cluster.name}`,
    logFile: cluster.logFile,
  };
}

/** Runs SQL as the superuser; tries PG_ADMIN_URL, then TCP as `postgres`, then (as root) the Unix socket. */
async function adminPsql(config, sql) {
  const pg = config.postgres;
  const base = ['-X', '-q', '-w', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql];
  const attempts = [];
  if (pg.adminUrl) attempts.push(['psql', ['-d', pg.adminUrl, ...base]]);
  attempts.push([
    'psql',
    ['-h', pg.host, '-p', String(pg.port), '-U', pg.adminUser, '-d', 'postgres', ...base],
  ]);
  if (isRoot && isLocalHost(pg.host) && which('runuser')) {
    // A fresh Debian cluster lets `postgres` in over the socket by peer authentication only.
    attempts.push([
      'runuser',
      ['-u', pg.adminUser, '--', 'psql', '-p', String(pg.port), '-d', 'postgres', ...base],
    ]);
  }
  const errors = [];
  for (const [command, args] of attempts) {
    const r = await run(command, args, { env: cleanEnv(), timeoutMs: 30_000 });
    if (r.code === 0) return r.stdout.trim();
    errors.push(
      `${command === 'runuser' ? `runuser -u ${pg.adminUser} -- psql` : 'psql'}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`,
    );
    // A SQL error (not a connection error) would fail the same way on every route.
    if (/ERROR:/.test(r.stderr)) break;
  }
  throw new StackError(
    SERVICE,
    `could not run an admin statement as PostgreSQL superuser "${pg.adminUser}":\n    ${errors.join('\n    ')}`,
    {
      hint: [
        'Create the role and databases yourself, as a superuser:',
        `  CREATE ROLE ${quoteIdent(pg.user)} LOGIN CREATEDB PASSWORD ${quoteLiteral(pg.password || 'gauntlet')};`,
        ...pg.databases.map((db) => `  CREATE DATABASE ${quoteIdent(db)} OWNER ${quoteIdent(pg.user)};`),
        'or set PG_ADMIN_URL to a superuser connection, e.g. PG_ADMIN_URL=postgres://postgres:secret@127.0.0.1:5432/postgres',
      ].join('\n'),
    },
  );
}

async function canConnectAsApp(pg, database) {
  const url = new URL(pg.url);
  url.pathname = `/${encodeURIComponent(database)}`;
  const r = await run('psql', ['-X', '-q', '-w', '-A', '-t', '-d', url.href, '-c', 'select 1'], {
    env: cleanEnv(),
    timeoutMs: 15_000,
  });
  return { ok: r.code === 0 && r.stdout.trim() === '1', detail: r.stderr.trim().split('\n')[0] };
}

/** Makes sure the application's role and databases exist. Returns the list of actions taken. */
async function ensureRoleAndDatabases(config, log) {
  const pg = config.postgres;
  if (!which('psql')) {
    log(
      '  psql is not installed: cannot check the role and databases (install postgresql-client to let the script do it)',
    );
    return [];
  }
  const checks = await Promise.all(pg.databases.map((db) => canConnectAsApp(pg, db)));
  if (checks.every((c) => c.ok)) return [];

  const actions = [];
  const roleExists =
    (await adminPsql(config, `SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(pg.user)}`)) === '1';
  const password = pg.password ? ` PASSWORD ${quoteLiteral(pg.password)}` : '';
  if (!roleExists) {
    await adminPsql(config, `CREATE ROLE ${quoteIdent(pg.user)} LOGIN CREATEDB${password}`);
    actions.push(`created role ${pg.user}`);
  } else if (checks.some((c) => /password|authentication/i.test(c.detail))) {
    // The role exists but the URL's password does not work: make the development stack consistent.
    await adminPsql(config, `ALTER ROLE ${quoteIdent(pg.user)} LOGIN${password}`);
    actions.push(`reset the password of role ${pg.user}`);
  }
  for (const db of pg.databases) {
    const exists =
      (await adminPsql(config, `SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(db)}`)) === '1';
    if (!exists) {
      await adminPsql(config, `CREATE DATABASE ${quoteIdent(db)} OWNER ${quoteIdent(pg.user)}`);
      actions.push(`created database ${db}`);
    }
  }
  for (const db of pg.databases) {
    const check = await canConnectAsApp(pg, db);
    if (!check.ok) {
      throw new StackError(
        SERVICE,
        `role ${pg.user} still cannot connect to database ${db}: ${check.detail}`,
        {
          hint: 'Check pg_hba.conf allows password (scram-sha-256 or md5) or trust authentication from this host.',
        },
      );
    }
  }
  for (const action of actions) log(`  ${action}`);
  return actions;
}

export async function ensurePostgres(config, log) {
  const server = await ensureServer(config, log);
  if (server.started) {
    const previous = readState(config)[SERVICE];
    updateState(config, SERVICE, {
      ...previous,
      started: true,
      port: config.postgres.port,
      installed: previous?.installed || server.installed,
      cluster: server.cluster,
      logFile: server.logFile,
    });
  }
  const actions = await ensureRoleAndDatabases(config, log);
  return { ...server, actions, url: config.postgres.url, testUrl: config.postgres.testUrl };
}

export async function postgresStatus(config) {
  const pg = config.postgres;
  const health = await isHealthy(pg);
  const state = readState(config)[SERVICE];
  const cluster = (await listClusters()).find((c) => c.port === pg.port);
  let pid = null;
  if (cluster && health.ok) {
    try {
      pid = Number(readFileSync(`${cluster.dataDir}/postmaster.pid`, 'utf8').split('\n')[0]) || null;
    } catch {
      // the data directory is readable by its owner only
    }
  }
  return {
    service: 'postgres',
    up: health.ok,
    address: `${pg.host}:${pg.port}`,
    pid,
    log: cluster?.logFile ?? null,
    managed: Boolean(state?.started),
    detail: health.ok
      ? `${health.detail}${cluster ? `, cluster ${cluster.version}/${cluster.name}` : ''}`
      : health.detail,
  };
}

/** Stops the cluster only when this script started it. */
export async function stopPostgres(config, log) {
  const state = readState(config)[SERVICE];
  if (!state?.started || !state.cluster) return false;
  const [version, name] = state.cluster.split('/');
  log(`  stopping PostgreSQL cluster ${state.cluster}`);
  const r = await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'stop'], {
    timeoutMs: 120_000,
  });
  if (r.code !== 0 && !/is not running/.test(r.stderr)) {
    throw new StackError(
      SERVICE,
      `pg_ctlcluster ${version} ${name} stop failed: ${(r.stderr || r.stdout).trim()}`,
    );
  }
  updateState(config, SERVICE, undefined);
  return true;
}
