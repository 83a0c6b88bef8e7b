// (For the subscriptions test.) A real Hive Gateway (@graphql-hive/gateway's CLI) over a supergraph composed from gladgraph's
// _service.sdl with Apollo's composition: it forwards subscriptions to gladgraph over
// graphql-transport-ws (the transport entry below) and serves its own clients over SSE and
// WebSocket at /graphql.
import { composeServices } from '@apollo/composition';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { graphqlData } from './gladgraph.js';

const START_TIMEOUT_MS = 60_000;
const bin = fileURLToPath(new URL('../node_modules/.bin/hive-gateway', import.meta.url));

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Composes gladgraph (at url, its /graphql) into a supergraph and starts Hive Gateway on it.
 * headers are sent by the gateway to gladgraph on every request and in connection_init.
 */
export async function startHiveGateway(url, { headers = {} } = {}) {
  const { _service } = await graphqlData(url, '{ _service { sdl } }', undefined, { headers });
  const composed = composeServices([{ name: 'gladgraph', url, typeDefs: parse(_service.sdl) }]);
  if (composed.errors?.length) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
  const dir = await mkdtemp(join(tmpdir(), 'gladgraph-hive-'));
  await writeFile(join(dir, 'supergraph.graphql'), composed.supergraphSdl);
  const wsURL = url.replace(/^http/, 'ws');
  await writeFile(join(dir, 'gateway.config.mjs'), `
export const gatewayConfig = {
  webSockets: true,
  transportEntries: {
    gladgraph: {
      headers: ${JSON.stringify(Object.entries(headers))},
      options: { subscriptions: { kind: 'ws', location: ${JSON.stringify(new URL(wsURL).pathname)}, options: { connectionParams: ${JSON.stringify(headers.authorization ? { Authorization: headers.authorization } : {})} } } },
    },
  },
};
`);
  const port = await freePort();
  const child = spawn(bin, ['supergraph', 'supergraph.graphql', '--config-path', 'gateway.config.mjs', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: dir, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  child.stdout.on('data', (b) => output.push(String(b)));
  child.stderr.on('data', (b) => output.push(String(b)));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hive-gateway exited ${child.exitCode}:\n${output.join('')}`);
    try {
      const res = await fetch(`${base}/healthcheck`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`hive-gateway not ready within ${START_TIMEOUT_MS} ms:\n${output.join('')}`);
    }
    await sleep(200);
  }
  return { url: `${base}/graphql`, stop, output };
}
