// The gladgraph process under test: built from the repository, started in demo mode on a free
// loopback port, its JSON log lines captured, always stopped at the end.
import { execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const BUILD_TIMEOUT_MS = 5 * 60_000;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

// Children still running when this process ends are killed: a failed or interrupted test
// must not leave a gladgraph listening behind it.
const running = new Set();
const tempDirs = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    for (const child of running) child.kill('SIGKILL');
    process.exit(130);
  });
}

/**
 * Builds gladgraph (`go build -o <tmp> .` at the repository root) unless GLADGRAPH_BIN names a
 * binary already built. Returns the binary's path and a cleanup for the temporary folder.
 */
export async function buildGladgraph() {
  if (process.env.GLADGRAPH_BIN) return { bin: process.env.GLADGRAPH_BIN, cleanup: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'gladgraph-e2e-'));
  const bin = join(dir, 'gladgraph');
  tempDirs.add(dir);
  const cleanup = async () => {
    await rm(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  };
  try {
    await new Promise((resolve, reject) => {
      execFile('go', ['build', '-o', bin, '.'], { cwd: repoRoot, timeout: BUILD_TIMEOUT_MS, maxBuffer: 16 << 20 }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`go build failed (is Go on PATH?): ${err.message}\n${stderr}`));
        else resolve();
      });
    });
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { bin, cleanup };
}

/**
 * Starts gladgraph's demo: the in-memory fake Gladly with the demo fixture, JSON logs on stdout,
 * the fake's rate limit raised (GLADLY_RATE_LIMIT, which the demo's fake follows) so that a
 * hundred cold lookups do not queue behind Gladly's 10 per second, and no per-caller share
 * (CALLER_UPSTREAM_RATE=0: every request of the suite comes from one loopback address, one caller).
 * Resolves once /readyz says so. bin is a binary the caller built (buildGladgraph) and removes;
 * without it one is built.
 */
export async function startGladgraph({ env = {}, bin: built } = {}) {
  const { bin, cleanup } = built ? { bin: built, cleanup: async () => {} } : await buildGladgraph();
  // A clean environment: a GLADLY_BASE_URL or REDIS_URL of the caller's shell must not turn the
  // demo into a run against something real.
  const childEnv = {
    PATH: process.env.PATH ?? '',
    LISTEN_ADDR: '127.0.0.1:0',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    GLADLY_RATE_LIMIT: '1000',
    CALLER_UPSTREAM_RATE: '0',
    ...env,
  };
  const child = spawn(bin, [], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const logs = [];
  const stderr = [];
  const waiters = new Set();
  createInterface({ input: child.stdout }).on('line', (line) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = { raw: line };
    }
    logs.push(entry);
    for (const w of waiters) w();
  });
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  let exitStatus = null;
  const exited = new Promise((resolve) => {
    const ended = (status) => {
      if (exitStatus) return;
      exitStatus = status;
      running.delete(child);
      resolve(status);
      for (const w of waiters) w();
    };
    child.once('exit', (code, signal) => ended({ code, signal }));
    child.once('error', (err) => ended({ error: err.message })); // e.g. the binary cannot be run
  });

  const describe = () => `gladgraph stderr:\n${stderr.join('\n')}\nlast log lines:\n${logs.slice(-20).map((l) => JSON.stringify(l)).join('\n')}`;

  /** Waits for a log line matching pred (lines are written after the answer, so poll). */
  const waitForLog = (pred, timeoutMs = 5000, since = 0) => new Promise((resolve, reject) => {
    const check = () => {
      const hit = logs.slice(since).find(pred);
      if (hit) { done(); resolve(hit); return true; }
      if (exitStatus) { done(); reject(new Error(`gladgraph exited (${JSON.stringify(exitStatus)}) before the expected log line\n${describe()}`)); return true; }
      return false;
    };
    const timer = setTimeout(() => { done(); reject(new Error(`no matching gladgraph log line within ${timeoutMs} ms\n${describe()}`)); }, timeoutMs);
    const done = () => { clearTimeout(timer); waiters.delete(check); };
    if (!check()) waiters.add(check);
  });

  const stop = async () => {
    if (!exitStatus) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    await cleanup();
  };

  try {
    const listening = await waitForLog((l) => l.message === 'listening' && l.addr, START_TIMEOUT_MS);
    const base = `http://${listening.addr}`;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) break;
      } catch { /* not yet */ }
      if (exitStatus) throw new Error(`gladgraph exited (${JSON.stringify(exitStatus)})\n${describe()}`);
      if (Date.now() > deadline) throw new Error(`gladgraph at ${base} not ready within ${START_TIMEOUT_MS} ms\n${describe()}`);
      await sleep(100);
    }
    return { url: `${base}/graphql`, base, logs, waitForLog, stop, describe };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** POSTs one GraphQL request (JSON) and returns the parsed body; HTTP failures throw. */
export async function graphql(url, query, variables, { headers = {}, timeoutMs = 30_000 } = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${url} answered ${res.status} with a body that is not JSON: ${text.slice(0, 500)}`);
  }
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 2000)}`);
  return body;
}

/** Like graphql, but fails on any GraphQL error and returns data. */
export async function graphqlData(url, query, variables, opts) {
  const body = await graphql(url, query, variables, opts);
  if (body.errors?.length) {
    const errors = body.errors.map(({ extensions: { stacktrace, ...ext } = {}, ...e }) => ({ ...e, extensions: ext }));
    throw new Error(`GraphQL errors from ${url}:\n${JSON.stringify(errors).slice(0, 3000)}`);
  }
  return body.data;
}
