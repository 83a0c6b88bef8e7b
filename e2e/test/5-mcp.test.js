// Check 5: AI agents reach gladgraph through MCP with the official TypeScript SDK, on the demo
// server itself — initialize, list the tools, call every read tool against the demo fixture
// without error, run a write tool and read its effect back, see fewer tools with a narrower key
// (issued through the admin API), get 401 without a token; and `gladgraph mcp` over stdio, as a
// desktop client starts it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { buildGladgraph, repoRoot } from '../lib/gladgraph.js';
import { demoArguments, fixture, narrowScopes, startMCPDemo } from '../lib/mcp.js';

let built;
let demo;

before(async () => {
  built = await buildGladgraph(); // once: the HTTP server and the stdio subcommand
  demo = await startMCPDemo({ bin: built.bin });
});

after(async () => {
  await demo?.stop();
  await built?.cleanup();
});

/** An MCP client connected to /mcp with the API key. */
async function connect(key) {
  const client = new Client({ name: 'gladgraph-e2e', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(demo.url), {
    requestInit: { headers: { Authorization: `Bearer ${key}` } },
  });
  await client.connect(transport);
  return client;
}

const textOf = (result) => result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');

test('initialize: the server names itself and offers tools', async () => {
  const client = await connect(demo.keys.full);
  try {
    assert.equal(client.getServerVersion()?.name, 'gladgraph');
    assert.ok(client.getServerCapabilities()?.tools, 'tools capability');
    assert.match(client.getInstructions() ?? '', /retryAfterSeconds/);
  } finally {
    await client.close();
  }
});

test('every read tool answers from the demo fixture, its output matching its schema', async () => {
  const client = await connect(demo.keys.full);
  try {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const want of ['get_contact_360', 'find_contacts', 'get_conversation_timeline', 'create_ticket', 'search_schema']) {
      assert.ok(names.includes(want), `${want} listed`);
    }
    assert.ok(!names.includes('execute_graphql'), 'execute_graphql is off by default');
    const reads = tools.filter((t) => t.annotations?.readOnlyHint);
    assert.ok(reads.length >= 35, `${reads.length} read tools`);
    for (const tool of tools) {
      assert.equal(tool.annotations?.openWorldHint, false, `${tool.name} openWorldHint`);
      assert.equal(tool.inputSchema.type, 'object', `${tool.name} input schema`);
    }
    const args = demoArguments();
    for (const tool of reads) {
      assert.ok(args[tool.name], `no demo arguments for the read tool ${tool.name} (lib/mcp.js, as mcptest.DemoArguments)`);
      // callTool validates structuredContent against the tool's outputSchema and throws if not.
      const result = await client.callTool({ name: tool.name, arguments: args[tool.name] });
      assert.ok(!result.isError, `${tool.name}: ${textOf(result)}`);
      if (tool.outputSchema) {
        // Found, not null: an id of lib/mcp.js that drifted from the fixture shows here.
        const roots = Object.values(result.structuredContent ?? {});
        assert.ok(roots.length > 0 && roots.every((v) => v !== null), `${tool.name}: ${textOf(result)}`);
      }
    }
    const c360 = await client.callTool({ name: 'get_contact_360', arguments: { id: fixture.contactId } });
    assert.equal(c360.structuredContent.contact.name, 'Ada Lovelace');
    assert.ok(c360.structuredContent.contact.tickets.nodes.length > 0);
  } finally {
    await client.close();
  }
});

test('a write tool changes Gladly and a read tool sees it', async () => {
  const client = await connect(demo.keys.full);
  try {
    const { tools } = await client.listTools();
    const create = tools.find((t) => t.name === 'create_topic');
    assert.equal(create.annotations.readOnlyHint, false);
    assert.equal(create.annotations.destructiveHint, false);
    const name = `MCP e2e ${Date.now()}`;
    const created = await client.callTool({ name: 'create_topic', arguments: { input: { name } } });
    assert.ok(!created.isError, textOf(created));
    const id = created.structuredContent.createTopic.topic.id;
    const read = await client.callTool({ name: 'get_topic', arguments: { id } });
    assert.equal(read.structuredContent.topic.name, name);

    // The same name again: Gladly refuses, and the refusal is a tool error with userErrors.
    const again = await client.callTool({ name: 'create_topic', arguments: { input: { name } } });
    assert.equal(again.isError, true);
    assert.equal(again.structuredContent.createTopic.userErrors[0].code, 'TAKEN');
    assert.match(textOf(again), /TAKEN/);
  } finally {
    await client.close();
  }
});

test('a narrower key (issued through the admin API) sees fewer tools, and calling a hidden one is a tool error', async () => {
  const full = await connect(demo.keys.full);
  const narrow = await connect(demo.keys.narrow);
  try {
    const all = (await full.listTools()).tools.map((t) => t.name);
    const some = (await narrow.listTools()).tools.map((t) => t.name);
    assert.ok(some.length < all.length, `${some.length} < ${all.length}`);
    assert.ok(some.includes('get_contact') && some.includes('list_contact_tickets'), some.join(', '));
    assert.ok(!some.includes('get_contact_360') && !some.includes('delete_contact') && !some.includes('create_ticket'), some.join(', '));
    for (const t of (await narrow.listTools()).tools) {
      const scopes = t._meta?.['gladgraph/scopes'];
      if (scopes) assert.ok(scopes.some((group) => group.every((s) => narrowScopes.includes(s))), `${t.name} needs ${JSON.stringify(scopes)}`);
    }
    const refused = await narrow.callTool({ name: 'delete_contact', arguments: { id: fixture.contactId } });
    assert.equal(refused.isError, true);
    assert.match(textOf(refused), /UNAUTHORIZED_FIELD_OR_TYPE.*contacts:delete/);
    const still = await full.callTool({ name: 'get_contact', arguments: { id: fixture.contactId } });
    assert.equal(still.structuredContent.contact.name, 'Ada Lovelace');
  } finally {
    await full.close();
    await narrow.close();
  }
});

test("the other account's key reads its own organization", async () => {
  const client = await connect(demo.keys.other);
  try {
    const org = await client.callTool({ name: 'get_organization', arguments: {} });
    assert.ok(!org.isError, textOf(org));
    assert.equal(org.structuredContent.organization.name, 'Hopper Logistics Ltd.');
    const ada = await client.callTool({ name: 'find_contacts', arguments: { email: fixture.contactEmail } });
    assert.doesNotMatch(textOf(ada), /Ada Lovelace/);
  } finally {
    await client.close();
  }
});

test('no token: 401 naming the protected resource metadata, which names the resource', async () => {
  const res = await fetch(demo.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  assert.equal(res.status, 401);
  const challenge = res.headers.get('www-authenticate') ?? '';
  const m = challenge.match(/^Bearer resource_metadata="([^"]+)"/);
  assert.ok(m, challenge);
  // PUBLIC_URL defaults to http://localhost:<port>; the test reaches the same port on 127.0.0.1.
  const metaURL = new URL(m[1]);
  assert.equal(metaURL.port, new URL(demo.base).port);
  const meta = await (await fetch(new URL(metaURL.pathname, demo.base))).json();
  const resource = new URL(meta.resource);
  assert.equal(`${resource.port}${resource.pathname}`, `${new URL(demo.base).port}/mcp`);
  assert.deepEqual(meta.bearer_methods_supported, ['header']);
  assert.ok(meta.scopes_supported.includes('contacts:read'));

  const client = new Client({ name: 'gladgraph-e2e', version: '1.0.0' });
  await assert.rejects(client.connect(new StreamableHTTPClientTransport(new URL(demo.url))));
});

/** `gladgraph mcp` as a desktop client runs it: the built binary, the demo (no Gladly configured). */
function stdioTransport(env = {}) {
  return new StdioClientTransport({ command: built.bin, args: ['mcp'], cwd: repoRoot, env: { LOG_FORMAT: 'json', ...env }, stderr: 'pipe' });
}

test('gladgraph mcp over stdio: the same tools, a read tool answering from the demo fixture', async () => {
  const transport = stdioTransport();
  const stderr = [];
  transport.stderr.on('data', (b) => stderr.push(b.toString()));
  const client = new Client({ name: 'gladgraph-e2e-stdio', version: '1.0.0' });
  await client.connect(transport);
  try {
    assert.equal(client.getServerVersion()?.name, 'gladgraph');
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const want of ['get_contact_360', 'find_contacts', 'create_ticket', 'search_schema']) {
      assert.ok(names.includes(want), `${want} listed over stdio`);
    }
    const found = await client.callTool({ name: 'find_contacts', arguments: { email: fixture.contactEmail } });
    assert.ok(!found.isError, textOf(found));
    assert.equal(found.structuredContent.contacts.nodes[0].id, fixture.contactId);
    const c360 = await client.callTool({ name: 'get_contact_360', arguments: { id: fixture.contactId } });
    assert.equal(c360.structuredContent.contact.name, 'Ada Lovelace');
  } finally {
    await client.close();
  }
  const logs = stderr.join('');
  assert.match(logs, /"message":"mcp: serving the tools on stdin and stdout"/);
  assert.match(logs, /"operation":"GetContact360"/);
});

test('gladgraph mcp refuses a bad GLADGRAPH_API_KEY at start, saying why on stderr', async () => {
  const transport = stdioTransport({ GLADGRAPH_API_KEY: 'ggk_not-a-key' });
  const stderr = [];
  transport.stderr.on('data', (b) => stderr.push(b.toString()));
  const client = new Client({ name: 'gladgraph-e2e-stdio', version: '1.0.0' });
  await assert.rejects(client.connect(transport));
  await client.close().catch(() => {});
  const logs = stderr.join('');
  assert.match(logs, /gladgraph: GLADGRAPH_API_KEY: auth: UNAUTHENTICATED/);
  assert.doesNotMatch(logs, /ggk_not-a-key/);
});
