// Check 1: gladgraph's _service.sdl composes, with Apollo's own composition, beside two sibling
// subgraphs that reference its entities: no error, and no hint (a hint that is acceptable would be
// listed in ACCEPTED_HINTS with the reason, and in the README).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { composeServices } from '@apollo/composition';
import { buildSchema, isObjectType, parse } from 'graphql';
import { graphqlData, startGladgraph } from '../lib/gladgraph.js';
import { loyaltyTypeDefs, ordersTypeDefs } from '../lib/siblings.js';

// Hints we accept, by code, each with why.
const ACCEPTED_HINTS = new Map([
  ['MERGED_NON_REPEATABLE_DIRECTIVE_ARGUMENTS',
    'the interface GladlyEvent takes the conjunction of its event types\' @requiresScopes (each family has its own read scope): '
    + 'through a router, reading an event through the interface (the result of Subscription.events) asks every family\'s read scope (README, Subscriptions)'],
]);

let gg;
let composed;

before(async () => {
  gg = await startGladgraph();
  const { _service } = await graphqlData(gg.url, '{ _service { sdl } }');
  composed = composeServices([
    { name: 'gladgraph', url: gg.url, typeDefs: parse(_service.sdl) },
    { name: 'loyalty', url: 'http://127.0.0.1:1/loyalty', typeDefs: loyaltyTypeDefs },
    { name: 'orders', url: 'http://127.0.0.1:1/orders', typeDefs: ordersTypeDefs },
  ]);
});

after(async () => {
  await gg?.stop();
});

test('gladgraph composes with the loyalty and orders subgraphs without errors', () => {
  const errors = (composed.errors ?? []).map((e) => `${e.extensions?.code ?? ''} ${e.message}`);
  assert.deepEqual(errors, [], `composition errors:\n${errors.join('\n\n')}`);
  assert.ok(composed.supergraphSdl, 'no supergraph SDL');
});

test('composition gives no hints beyond the accepted ones', (t) => {
  const hints = (composed.hints ?? []).map((h) => ({ code: h.definition.code, message: h.message }));
  for (const h of hints) t.diagnostic(`hint ${h.code}: ${h.message}`);
  const unexpected = hints.filter((h) => !ACCEPTED_HINTS.has(h.code));
  assert.deepEqual(unexpected, [], `unexpected composition hints:\n${unexpected.map((h) => `${h.code}: ${h.message}`).join('\n\n')}`);
});

test('the supergraph joins the siblings\' fields onto gladgraph\'s entities', () => {
  const api = buildSchema(composed.supergraphSdl);
  const fields = (type) => {
    const t = api.getType(type);
    assert.ok(isObjectType(t), `${type} is not an object type of the supergraph`);
    return t.getFields();
  };
  const contact = fields('Contact');
  for (const f of ['id', 'email', 'name', 'tickets', 'loyaltyPoints', 'loyaltyTier']) assert.ok(contact[f], `Contact.${f} missing`);
  const user = fields('User');
  for (const f of ['id', 'email', 'name', 'approvedAdjustments']) assert.ok(user[f], `User.${f} missing`);
  const order = fields('Order');
  assert.equal(String(order.ticket.type), 'Ticket');
  assert.equal(String(order.conversation.type), 'Conversation');
  assert.ok(fields('Ticket').status, 'Ticket.status (from gladgraph) missing');
  assert.ok(fields('Conversation').status, 'Conversation.status (from gladgraph) missing');
  // Contact is resolvable from gladgraph by both of its keys.
  assert.match(composed.supergraphSdl, /type Contact\s[^{]*@join__type\(graph: GLADGRAPH, key: "id"\)[^{]*@join__type\(graph: GLADGRAPH, key: "email"\)/);
  assert.match(composed.supergraphSdl, /type User\s[^{]*@join__type\(graph: GLADGRAPH, key: "id"\)[^{]*@join__type\(graph: GLADGRAPH, key: "email"\)/);
});

test('the supergraph carries gladgraph\'s @requiresScopes, so a gateway enforces them too', () => {
  const sdl = composed.supergraphSdl;
  assert.match(sdl, /@link\(url: "https:\/\/specs\.apollo\.dev\/requiresScopes\/v0\.1"/);
  // A root field, an entity type and a mutation, each with its scope of DESIGN.md §8.
  assert.match(sdl, /contact\([^)]*\): Contact[^\n]*@requiresScopes\(scopes: \[\["contacts:read"\]\]\)/);
  assert.match(sdl, /type Contact\b[^{]*@requiresScopes\(scopes: \[\["contacts:read"\]\]\)/);
  assert.match(sdl, /deleteContact\([^)]*\)[^\n]*@requiresScopes\(scopes: \[\["contacts:delete"\]\]\)/);
});
