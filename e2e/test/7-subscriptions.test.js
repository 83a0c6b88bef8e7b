// Check 5: subscriptions (DESIGN.md §10) with the reference clients graphql-ws (WebSocket,
// graphql-transport-ws) and graphql-sse (GraphQL over SSE, distinct connections), directly and
// through a real Hive Gateway. Each change must reach each subscriber exactly once, with the
// object as it is after the change; a cursor resumes what was missed; a caller without the scope
// gets an error and no data.
//
// The demo provisions each account's webhook in its fake Gladly, which delivers it to gladgraph
// in process: a change made through a gladgraph mutation comes back as Gladly's webhook.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient as createSSEClient } from 'graphql-sse';
import { createClient as createWSClient } from 'graphql-ws';
import WebSocket from 'ws';
import { demoContacts } from '../lib/demo.js';
import { graphqlData, startGladgraph } from '../lib/gladgraph.js';
import { startHiveGateway } from '../lib/hive-subscriptions.js';

const ADMIN_API_KEY = 'e2e-admin-key-0123456789abcdef0123';
const WAIT_MS = 15_000;

let gg;
let hive;
let contactId;

/** Collects a subscription's results; next() waits for the following one. */
function collector() {
  const results = [];
  const waiters = [];
  let ended = null;
  return {
    sink: {
      next: (r) => { results.push(r); waiters.shift()?.(); },
      error: (e) => { ended = e; waiters.splice(0).forEach((w) => w()); },
      complete: () => { ended ??= 'complete'; waiters.splice(0).forEach((w) => w()); },
    },
    results,
    get ended() { return ended; },
    async next(i) {
      const deadline = Date.now() + WAIT_MS;
      while (results.length <= i) {
        if (ended) throw new Error(`subscription ended (${JSON.stringify(ended)}) after ${results.length} results`);
        if (Date.now() > deadline) throw new Error(`no result ${i} within ${WAIT_MS} ms`);
        await new Promise((resolve) => { waiters.push(resolve); setTimeout(resolve, 250); });
      }
      return results[i];
    },
  };
}

const subscription = (id, after) => `subscription E2EContact {
  contactEvents(contactId: "${id}", types: [CUSTOMER_PROFILE_UPDATED]${after ? `, after: "${after}"` : ''}) {
    id type cursor contact { id name }
  }
}`;

function sseClient(url, headers = {}) {
  return createSSEClient({ url, headers, retryAttempts: 0 });
}

function wsClient(url, token) {
  return createWSClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

async function rename(name) {
  const { updateContact } = await graphqlData(gg.url,
    'mutation E2ERename($id: ID!, $name: String!) { updateContact(id: $id, input: { name: $name }) { contact { name } userErrors { message } } }',
    { id: contactId, name });
  assert.deepEqual(updateContact.userErrors, []);
}

before(async () => {
  gg = await startGladgraph({ env: { ADMIN_API_KEY } });
  const { _entities } = await graphqlData(gg.url, 'query E2E($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }',
    { r: [{ __typename: 'Contact', email: demoContacts[0].email }] });
  contactId = _entities[0].id;
  hive = await startHiveGateway(gg.url);
});

after(async () => {
  await hive?.stop();
  await gg?.stop();
});

test('each subscriber gets each change once, with the object after it', async () => {
  const direct = { sse: collector(), ws: collector(), hive: collector() };
  const sse = sseClient(gg.url);
  const ws = wsClient(gg.url);
  const viaHive = sseClient(hive.url);
  const stops = [
    sse.subscribe({ query: subscription(contactId) }, direct.sse.sink),
    ws.subscribe({ query: subscription(contactId) }, direct.ws.sink),
    viaHive.subscribe({ query: subscription(contactId) }, direct.hive.sink),
  ];
  try {
    await new Promise((r) => setTimeout(r, 500)); // let the three subscriptions open
    for (const [i, name] of ['Ada E2E one', 'Ada E2E two'].entries()) {
      await rename(name);
      for (const [how, c] of Object.entries(direct)) {
        const r = await c.next(i);
        assert.equal(r.errors, undefined, `${how}: ${JSON.stringify(r.errors)}`);
        assert.equal(r.data.contactEvents.type, 'CUSTOMER_PROFILE_UPDATED', how);
        assert.equal(r.data.contactEvents.contact.name, name, `${how} read the contact before the change`);
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
    for (const [how, c] of Object.entries(direct)) {
      assert.equal(c.results.length, 2, `${how} got ${c.results.length} events for 2 changes`);
      assert.notEqual(c.results[0].data.contactEvents.id, c.results[1].data.contactEvents.id, how);
    }
  } finally {
    stops.forEach((stop) => stop());
    sse.dispose();
    await ws.dispose();
    viaHive.dispose();
  }
});

test('a cursor resumes what was missed', async () => {
  const first = collector();
  const sse = sseClient(gg.url);
  const stop = sse.subscribe({ query: subscription(contactId) }, first.sink);
  await new Promise((r) => setTimeout(r, 300));
  await rename('Ada E2E three');
  const seen = await first.next(0);
  stop();
  await rename('Ada E2E four');
  await rename('Ada E2E five');
  const resumed = collector();
  const stop2 = sse.subscribe({ query: subscription(contactId, seen.data.contactEvents.cursor) }, resumed.sink);
  try {
    const ids = [(await resumed.next(0)).data.contactEvents.id, (await resumed.next(1)).data.contactEvents.id];
    assert.equal(new Set(ids).size, 2, 'the two missed changes, once each');
    assert.ok(!ids.includes(seen.data.contactEvents.id), 'the event at the cursor is not replayed');
  } finally {
    stop2();
    sse.dispose();
  }
});

test('a subscriber without the scope gets an error and no data', async () => {
  const res = await fetch(`${gg.base}/admin/accounts/demo/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scopes: ['tickets:read'] }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { key } = await res.json();
  for (const client of [sseClient(gg.url, { authorization: `Bearer ${key}` }), wsClient(gg.url, key)]) {
    const c = collector();
    client.subscribe({ query: subscription(contactId) }, c.sink);
    const deadline = Date.now() + WAIT_MS;
    while (!c.ended && c.results.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const errors = c.results[0]?.errors ?? (Array.isArray(c.ended) ? c.ended : null);
    assert.ok(errors?.length, `expected an error, got ${JSON.stringify(c.results)} / ${JSON.stringify(c.ended)}`);
    assert.equal(errors[0].extensions?.code, 'UNAUTHORIZED_FIELD_OR_TYPE');
    assert.ok(!c.results.some((r) => r.data?.contactEvents), 'no data delivered');
    await client.dispose();
  }
});
