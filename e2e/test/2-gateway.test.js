// Check 2: a real @apollo/gateway over gladgraph (demo data) and the two sibling subgraphs.
// Expected values come from gladgraph itself (asked directly, through _entities) and from the
// siblings' deterministic data; the gateway must join them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAgents, demoContacts, demoConversationIds, demoTicketIds } from '../lib/demo.js';
import { startGateway } from '../lib/gateway.js';
import { graphqlData, startGladgraph } from '../lib/gladgraph.js';
import { approvedAdjustments, loyaltyPoints, loyaltyTier, startLoyalty, startOrders } from '../lib/siblings.js';

const BATCH = 100;

let gg;
let loyalty;
let orders;
let gw;
const loyaltyData = { memberEmails: [], approverIds: [] };
const ordersData = { orders: [] };
const known = { contacts: [], agents: [], tickets: [], conversations: [] };

/** Asks gladgraph directly for entities; every one must exist. */
async function entities(representations, selection) {
  const { _entities } = await graphqlData(gg.url,
    `query E2EEntities($r: [_Any!]!) { _entities(representations: $r) { __typename ${selection} } }`, { r: representations });
  _entities.forEach((e, i) => assert.ok(e, `gladgraph has no ${JSON.stringify(representations[i])} (demo fixture changed?)`));
  return _entities;
}

before(async () => {
  gg = await startGladgraph();
  known.contacts = await entities(demoContacts.map((c) => ({ __typename: 'Contact', email: c.email })), '... on Contact { id name email }');
  known.agents = await entities(demoAgents.map((a) => ({ __typename: 'User', email: a.email })), '... on User { id name email }');
  known.tickets = await entities(demoTicketIds.map((id) => ({ __typename: 'Ticket', id })), '... on Ticket { id name status createdAt }');
  known.conversations = await entities(demoConversationIds.map((id) => ({ __typename: 'Conversation', id })), '... on Conversation { id status createdAt }');

  loyaltyData.memberEmails = known.contacts.map((c) => c.email);
  loyaltyData.approverIds = known.agents.map((a) => a.id);
  const [ada, charles, , grace] = known.contacts;
  ordersData.orders = [
    { id: 'order-1', number: 'W-1001', totalCents: 4200, contactId: ada.id, ticketId: known.tickets[0].id, conversationId: known.conversations[0].id },
    { id: 'order-2', number: 'W-1002', totalCents: 1999, contactId: charles.id, ticketId: known.tickets[2].id, conversationId: null },
    { id: 'order-3', number: 'W-1003', totalCents: 99900, contactId: grace.id, ticketId: null, conversationId: known.conversations[1].id },
  ];
  loyalty = await startLoyalty(loyaltyData);
  orders = await startOrders(ordersData);
  gw = await startGateway([
    { name: 'gladgraph', url: gg.url },
    { name: 'loyalty', url: loyalty.url },
    { name: 'orders', url: orders.url },
  ]);
});

after(async () => {
  await Promise.allSettled([gw?.stop(), loyalty?.stop(), orders?.stop()]);
  await gg?.stop();
});

/** Sends a query through the gateway, tagged with step (see lib/gateway.js). */
function viaGateway(step, query, variables) {
  return graphqlData(gw.url, query, variables, { headers: { 'x-e2e-step': step } });
}

/** How many requests the gateway sent to each subgraph during step. */
function fetchCounts(step) {
  const counts = {};
  for (const f of gw.fetchesOf(step)) counts[f.subgraph] = (counts[f.subgraph] ?? 0) + 1;
  return counts;
}

const byId = (list) => Object.fromEntries(list.map((x) => [x.id, x]));

test('orders (sibling) → their ticket and conversation (gladgraph)', async () => {
  const data = await viaGateway('orders-support', `query OrdersSupport {
    orders { number ticket { id name status createdAt } conversation { id status createdAt } }
  }`);
  const tickets = byId(known.tickets);
  const conversations = byId(known.conversations);
  const want = ordersData.orders.map((o) => ({
    number: o.number,
    ticket: o.ticketId ? tickets[o.ticketId] : null,
    conversation: o.conversationId ? conversations[o.conversationId] : null,
  }));
  // _entities answers carried __typename; the gateway's answer does not.
  const strip = ({ __typename, ...rest }) => rest;
  for (const w of want) {
    if (w.ticket) w.ticket = strip(w.ticket);
    if (w.conversation) w.conversation = strip(w.conversation);
  }
  assert.deepEqual(data.orders, want);
  assert.deepEqual(fetchCounts('orders-support'), { orders: 1, gladgraph: 2 }, 'one orders fetch, then one gladgraph _entities fetch per entity type path');
});

test('orders (sibling) → contact (gladgraph, by id) → loyalty fields (sibling, by the email gladgraph resolved)', async () => {
  const data = await viaGateway('orders-contacts', `query OrdersContacts {
    orders { number contact { id name email loyaltyPoints loyaltyTier } }
  }`);
  const contacts = byId(known.contacts);
  assert.deepEqual(data.orders, ordersData.orders.map((o) => {
    const c = contacts[o.contactId];
    const points = loyaltyPoints(c.email);
    return { number: o.number, contact: { id: c.id, name: c.name, email: c.email, loyaltyPoints: points, loyaltyTier: loyaltyTier(points) } };
  }));
  assert.deepEqual(fetchCounts('orders-contacts'), { orders: 1, gladgraph: 1, loyalty: 1 });
});

test('users referenced by id from the loyalty sibling get gladgraph\'s fields', async () => {
  const data = await viaGateway('approvers', 'query Approvers { loyaltyApprovers { id name email approvedAdjustments } }');
  assert.deepEqual(data.loyaltyApprovers, known.agents.map((a) => ({ id: a.id, name: a.name, email: a.email, approvedAdjustments: approvedAdjustments(a.id) })));
  assert.deepEqual(fetchCounts('approvers'), { loyalty: 1, gladgraph: 1 });
});

test('orders → ticket (gladgraph) → its contact (gladgraph) → loyalty points (sibling)', async () => {
  const data = await viaGateway('ticket-contacts', 'query TicketContacts { orders { number ticket { contact { name loyaltyPoints } } } }');
  // Every demo ticket used here is Ada's.
  const ada = known.contacts[0];
  assert.deepEqual(data.orders, ordersData.orders.map((o) => ({
    number: o.number,
    ticket: o.ticketId ? { contact: { name: ada.name, loyaltyPoints: loyaltyPoints(ada.email) } } : null,
  })));
});

test('orders → conversation (gladgraph) → its contact (gladgraph) → loyalty tier (sibling)', async () => {
  const data = await viaGateway('conversation-contacts', 'query ConversationContacts { orders { number conversation { contact { name loyaltyTier } } } }');
  // Every demo conversation used here is Ada's.
  const ada = known.contacts[0];
  assert.deepEqual(data.orders, ordersData.orders.map((o) => ({
    number: o.number,
    conversation: o.conversationId ? { contact: { name: ada.name, loyaltyTier: loyaltyTier(loyaltyPoints(ada.email)) } } : null,
  })));
});

test('gladgraph\'s Query.contact → loyalty fields (sibling)', async () => {
  const ada = known.contacts[0];
  const data = await viaGateway('root-contact', 'query RootContact($id: ID!) { contact(id: $id) { name loyaltyPoints loyaltyTier } }', { id: ada.id });
  const points = loyaltyPoints(ada.email);
  assert.deepEqual(data.contact, { name: ada.name, loyaltyPoints: points, loyaltyTier: loyaltyTier(points) });
});

test('gladgraph\'s Query.users → approvals (sibling, by id)', async () => {
  const data = await viaGateway('root-users', 'query RootUsers { users(first: 100) { nodes { id name approvedAdjustments } } }');
  const users = byId(data.users.nodes);
  for (const a of known.agents) {
    assert.deepEqual(users[a.id], { id: a.id, name: a.name, approvedAdjustments: approvedAdjustments(a.id) });
  }
});

test(`${BATCH} contact representations reach gladgraph in one _entities request, answered as one request`, async (t) => {
  // The demo has 54 contacts; the batch needs BATCH distinct ones, so the rest are created
  // through gladgraph itself.
  const extra = Array.from({ length: BATCH - known.contacts.length }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    return { name: `Loyalty Member ${n}`, email: `member-${n}@loyalty.example` };
  });
  // A few creates per request keep each under gladgraph's complexity limit.
  for (let start = 0; start < extra.length; start += 8) {
    const chunk = extra.slice(start, start + 8);
    const fields = chunk.map((c, i) => `c${i}: createContact(input: { name: ${JSON.stringify(c.name)}, emails: [{ address: ${JSON.stringify(c.email)}, primary: true }] }) { contact { id } userErrors { field code message } }`);
    const created = await graphqlData(gg.url, `mutation SeedLoyaltyMembers {\n${fields.join('\n')}\n}`);
    chunk.forEach((c, i) => {
      const p = created[`c${i}`];
      assert.ok(p?.contact?.id, `createContact ${c.email}: ${JSON.stringify(p)}`);
    });
  }
  const members = [...known.contacts.map(({ name, email }) => ({ name, email })), ...extra];
  loyaltyData.memberEmails = members.map((m) => m.email);

  const data = await viaGateway('batch', `query LoyaltyMembers($first: Int) { loyaltyMembers(first: $first) { email name loyaltyPoints } }`, { first: BATCH });
  assert.deepEqual(data.loyaltyMembers, members.map((m) => ({ email: m.email, name: m.name, loyaltyPoints: loyaltyPoints(m.email) })));

  const toGladgraph = gw.fetchesOf('batch').filter((f) => f.subgraph === 'gladgraph');
  assert.equal(toGladgraph.length, 1, `the gateway sent ${toGladgraph.length} requests to gladgraph for the batch`);
  const [fetch] = toGladgraph;
  const reps = fetch.representations ?? [];
  assert.equal(reps.length, BATCH, `the _entities call carried ${reps.length} representations`);
  assert.equal(new Set(reps.map((r) => JSON.stringify(r))).size, BATCH, 'representations are not distinct');
  assert.ok(reps.every((r) => r.__typename === 'Contact' && typeof r.email === 'string'), 'not all representations are Contacts by email');

  // gladgraph's access line for that one request: it did all the work within it.
  const line = await gg.waitForLog((l) => l.message === 'request' && l.request_id === fetch.requestId);
  await new Promise((r) => setTimeout(r, 200));
  const lines = gg.logs.filter((l) => l.message === 'request' && String(l.request_id ?? '').startsWith('batch.gladgraph.'));
  assert.equal(lines.length, 1, `gladgraph logged ${lines.length} requests for the batch`);
  assert.equal(line.status, 200);
  assert.ok(line.cache_hits + line.cache_misses >= BATCH, `the request looked up ${line.cache_hits + line.cache_misses} keys, fewer than ${BATCH}`);
  if (line.cache_misses > 0) assert.ok(line.upstream_calls > 0, `${line.cache_misses} cache misses but no upstream call`);
  t.diagnostic(`gladgraph access line: operation=${line.operation} upstream_calls=${line.upstream_calls} cache_hits=${line.cache_hits} cache_misses=${line.cache_misses} duration_ms=${line.duration_ms}`);
});
