// The MCP demo server under test (go run ./mcp/cmd/mcpdemo, built once): /mcp over the fake
// Gladly's demo fixture on a loopback port, with two API keys it issues at start. It prints one
// JSON line: its address, the keys, and arguments for every read tool.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './gladgraph.js';

const BUILD_TIMEOUT_MS = 5 * 60_000;
const START_TIMEOUT_MS = 30_000;

/** Builds and starts mcpdemo; resolves to { url, base, keys, arguments, stop }. */
export async function startMCPDemo({ env = {} } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'gladgraph-mcp-e2e-'));
  const bin = join(dir, 'mcpdemo');
  await new Promise((resolve, reject) => {
    execFile('go', ['build', '-o', bin, './mcp/cmd/mcpdemo'], { cwd: repoRoot, timeout: BUILD_TIMEOUT_MS, maxBuffer: 16 << 20 }, (err, _o, stderr) => {
      if (err) reject(new Error(`go build ./mcp/cmd/mcpdemo failed: ${err.message}\n${stderr}`));
      else resolve();
    });
  });
  const child = spawn(bin, [], { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = [];
  createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  process.once('exit', () => child.kill('SIGKILL'));
  try {
    const ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`mcpdemo did not start within ${START_TIMEOUT_MS} ms\n${stderr.join('\n')}`)), START_TIMEOUT_MS);
      createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer);
        try { resolve(JSON.parse(line)); } catch (err) { reject(new Error(`mcpdemo printed ${line}: ${err.message}`)); }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`mcpdemo exited (${code})\n${stderr.join('\n')}`)); });
    });
    return { ...ready, base: `http://${ready.addr}`, stop, stderr };
  } catch (err) {
    await stop();
    throw err;
  }
}
