// Health probes over raw sockets, so they work before any npm package is installed.
import { connect } from 'node:net';

/** Resolves true when something accepts a TCP connection on host:port within `timeoutMs`. */
export function tcpProbe(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function encodeCommand(args) {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('');
}

/**
 * Parses one RESP reply from the front of `buffer`: returns { value, rest } or null when incomplete.
 * Enough of the protocol for PING, AUTH, SELECT and INFO (simple strings, errors, integers, bulk strings).
 */
function parseReply(buffer) {
  const end = buffer.indexOf('\r\n');
  if (end < 0) return null;
  const type = buffer[0];
  const line = buffer.slice(1, end);
  const rest = buffer.slice(end + 2);
  if (type === '+') return { value: line, rest };
  if (type === '-') return { value: new Error(line), rest };
  if (type === ':') return { value: Number(line), rest };
  if (type === '$') {
    const length = Number(line);
    if (length < 0) return { value: null, rest };
    // Bulk lengths are in bytes; the replies read here are ASCII, where bytes and characters agree.
    if (rest.length < length + 2) return null;
    return { value: rest.slice(0, length), rest: rest.slice(length + 2) };
  }
  return { value: new Error(`unexpected reply: ${buffer.slice(0, 40)}`), rest: '' };
}

/**
 * Sends commands to a Redis server over one connection and resolves to their replies (an Error
 * object for a Redis error reply). Rejects on connection failure or timeout.
 */
export function redisCommands(host, port, commands, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let buffer = '';
    const replies = [];
    const fail = (error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`no reply from ${host}:${port} within ${timeoutMs} ms`)),
    );
    socket.once('error', fail);
    socket.once('connect', () => socket.write(commands.map(encodeCommand).join('')));
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (;;) {
        const parsed = parseReply(buffer);
        if (!parsed) break;
        replies.push(parsed.value);
        buffer = parsed.rest;
      }
      if (replies.length >= commands.length) {
        socket.end();
        resolve(replies);
      }
    });
    socket.once('close', () => {
      if (replies.length < commands.length)
        reject(new Error(`connection to ${host}:${port} closed before a reply`));
    });
  });
}

/** PING (after AUTH when the URL has a password): resolves { ok, detail }. */
export async function redisPing({ host, port, username, password }, timeoutMs = 2000) {
  const commands = [];
  if (password) commands.push(username ? ['AUTH', username, password] : ['AUTH', password]);
  commands.push(['PING']);
  try {
    const replies = await redisCommands(host, port, commands, timeoutMs);
    const last = replies[replies.length - 1];
    if (last === 'PONG') return { ok: true, detail: 'PONG' };
    const error = replies.find((r) => r instanceof Error);
    return { ok: false, detail: error ? error.message : `unexpected reply ${JSON.stringify(last)}` };
  } catch (error) {
    return { ok: false, detail: error.message };
  }
}

/** Fields of `INFO server` (process_id, redis_version, …), or null. */
export async function redisInfo({ host, port, username, password }, timeoutMs = 2000) {
  const commands = [];
  if (password) commands.push(username ? ['AUTH', username, password] : ['AUTH', password]);
  commands.push(['INFO', 'server']);
  try {
    const replies = await redisCommands(host, port, commands, timeoutMs);
    const text = replies[replies.length - 1];
    if (typeof text !== 'string') return null;
    return Object.fromEntries(
      text
        .split('\r\n')
        .filter((l) => l.includes(':'))
        .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
    );
  } catch {
    return null;
  }
}

/** GET a URL: resolves { ok, status, detail } without throwing. */
export async function httpProbe(url, timeoutMs = 3000) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.arrayBuffer();
    return {
      ok: response.status >= 200 && response.status < 400,
      status: response.status,
      detail: `HTTP ${response.status}`,
    };
  } catch (error) {
    return { ok: false, status: 0, detail: error.cause?.code ?? error.message };
  }
}

export function isLocalHost(host) {
  return ['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0'].includes(host);
}
