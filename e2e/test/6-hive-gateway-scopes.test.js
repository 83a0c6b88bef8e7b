// Check 6: the SDL's scopes, enforced twice. gladgraph (demo, JWTs verified against a JWKS the
// test serves) composes with Apollo's composition into a supergraph that carries @requiresScopes;
// a real Hive Gateway over that supergraph, with its JWT plugin and its @requiresScopes
// enforcement, answers a token with the scope and refuses one without it — and gladgraph, called
// directly with those same tokens, answers and refuses the same fields itself.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { hopper } from '../lib/demo.js';
import { graphql, graphqlData, startGladgraph } from '../lib/gladgraph.js';
import { startHiveGateway } from '../lib/hive.js';
import { AUDIENCE, ISSUER, startIssuer } from '../lib/issuer.js';

const ADA = 'query Ada { contacts(email: "ada@example.com") { nodes { name } } }';
const ADA_AND_ORG = 'query AdaAndOrg { organization { name } contacts(email: "ada@example.com") { nodes { name } } }';

// Generous: a loaded 2-core machine, a gateway that loads its supergraph and the JWKS on first use.
const TIMEOUT_MS = 60_000;

let issuer;
let gg;
let supergraphSdl;
let gw;
let seq = 0;

before(async () => {
  issuer = await startIssuer();
  gg = await startGladgraph({ env: { AUTH_JWKS_URL: issuer.jwksUrl, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE } });
  const { _service } = await graphqlData(gg.url, '{ _service { sdl } }');
  const composed = composeServices([{ name: 'gladgraph', url: gg.url, typeDefs: parse(_service.sdl) }]);
  const errors = (composed.errors ?? []).map((e) => `${e.extensions?.code ?? ''} ${e.message}`);
  assert.deepEqual(errors, [], `composition errors:\n${errors.join('\n\n')}`);
  supergraphSdl = composed.supergraphSdl;
  gw = await startHiveGateway({ supergraphSdl, jwksUrl: issuer.jwksUrl, issuer: ISSUER, audience: AUDIENCE });
});

after(async () => {
  await gw?.stop();
  await gg?.stop();
  await issuer?.stop();
});

const bearer = (token) => ({ authorization: `Bearer ${token}` });
const tagged = (token) => {
  const id = `hive-scopes.${++seq}`;
  return { id, headers: { ...bearer(token), 'x-request-id': id } };
};
const codes = (body) => (body.errors ?? []).map((e) => e.extensions?.code);

/** POSTs a query and returns { status, body } whatever the status (refusals included). */
async function post(url, query, headers) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  let body = null;
  try { body = JSON.parse(text); } catch { /* not JSON: the assertions say so */ }
  return { status: res.status, body, text };
}

test('the supergraph carries gladgraph\'s @requiresScopes', () => {
  assert.match(supergraphSdl, /@link\(url: "https:\/\/specs\.apollo\.dev\/requiresScopes\/v0\.1"/);
  assert.match(supergraphSdl, /contact\([^)]*\): Contact[^\n]*@requiresScopes\(scopes: \[\["contacts:read"\]\]\)/);
  assert.match(supergraphSdl, /type Contact\b[^{]*@requiresScopes\(scopes: \[\["contacts:read"\]\]\)/);
  assert.match(supergraphSdl, /organization: Organization[^\n]*@requiresScopes\(scopes: \[\["directory:read"\]\]\)/);
});

test('through Hive Gateway: a token with contacts:read reads Ada', async () => {
  const { id, headers } = tagged(issuer.token({ scope: 'contacts:read', gladly_account: 'demo' }));
  const data = await graphqlData(gw.url, ADA, undefined, { headers, timeoutMs: TIMEOUT_MS });
  assert.deepEqual(data.contacts.nodes, [{ name: 'Ada Lovelace' }]);
  // gladgraph answered that request itself, with the token the gateway passed on.
  const line = await gg.waitForLog((l) => l.message === 'request' && l.request_id === id, TIMEOUT_MS);
  assert.equal(line.status, 200);
});

test('through Hive Gateway: the token reaches gladgraph, whose account claim picks demo-2', async () => {
  // The demo serves anonymous callers as `demo`: only a forwarded, verified token reaches demo-2.
  const { headers } = tagged(issuer.token({ scope: 'contacts:read directory:read', gladly_account: 'demo-2' }));
  const data = await graphqlData(gw.url, `query Hopper { organization { name } contacts(email: "${hopper.customer.email}") { nodes { name } } }`,
    undefined, { headers, timeoutMs: TIMEOUT_MS });
  assert.deepEqual(data, { organization: { name: hopper.organization }, contacts: { nodes: [{ name: hopper.customer.name }] } });
});

test('through Hive Gateway: a token without contacts:read is refused by the gateway, nothing reaches gladgraph', async () => {
  const { id, headers } = tagged(issuer.token({ scope: 'directory:read', gladly_account: 'demo' }));
  const { status, body, text } = await post(gw.url, ADA, headers);
  assert.ok(body, `the gateway answered ${status} with ${text.slice(0, 500)}`);
  assert.ok(body.errors?.length, `the gateway answered without errors: ${text.slice(0, 1000)}`);
  assert.ok(codes(body).includes('UNAUTHORIZED_FIELD_OR_TYPE'), `error codes ${JSON.stringify(codes(body))}: ${text.slice(0, 1000)}`);
  assert.doesNotMatch(text, /Ada Lovelace/);
  // A request sent after it is logged by gladgraph; the refused one never was.
  const next = tagged(issuer.token({ scope: 'contacts:read', gladly_account: 'demo' }));
  await graphqlData(gw.url, ADA, undefined, { headers: next.headers, timeoutMs: TIMEOUT_MS });
  await gg.waitForLog((l) => l.message === 'request' && l.request_id === next.id, TIMEOUT_MS);
  assert.equal(gg.logs.filter((l) => l.request_id === id).length, 0, 'the gateway sent the refused operation to gladgraph');
});

test('through Hive Gateway: an operation with an unscoped field is refused at that field\'s path', async () => {
  // Hive's generic-auth (protect-granular) rejects the operation while validating it, naming
  // the field; gladgraph (below) answers the rest and nulls the field.
  const { id, headers } = tagged(issuer.token({ scope: 'directory:read', gladly_account: 'demo' }));
  const { body, text } = await post(gw.url, ADA_AND_ORG, headers);
  assert.ok(body, text.slice(0, 500));
  assert.equal(body.data?.contacts ?? null, null, text.slice(0, 1000));
  const refused = (body.errors ?? []).filter((e) => e.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE');
  assert.deepEqual(refused.map((e) => e.path), [['contacts']], text.slice(0, 1000));
  assert.doesNotMatch(text, /Ada Lovelace/);
  assert.equal(gg.logs.filter((l) => l.request_id === id).length, 0, 'the gateway sent the refused operation to gladgraph');
});

test('through Hive Gateway: no token, or a token of another audience, is refused', async () => {
  for (const token of [null, issuer.token({ scope: 'contacts:read', gladly_account: 'demo', aud: 'someone-else' })]) {
    const { id, headers } = tagged(token);
    if (!token) delete headers.authorization;
    const { status, text } = await post(gw.url, ADA, headers);
    assert.equal(status, 401, text.slice(0, 500));
    assert.doesNotMatch(text, /Ada Lovelace/);
    assert.equal(gg.logs.filter((l) => l.request_id === id).length, 0, 'the gateway passed a refused caller on to gladgraph');
  }
});

test('gladgraph directly, with the same tokens: the scoped one reads Ada, the unscoped one gets null and UNAUTHORIZED_FIELD_OR_TYPE', async () => {
  const scoped = await graphqlData(gg.url, ADA, undefined, { headers: bearer(issuer.token({ scope: 'contacts:read', gladly_account: 'demo' })) });
  assert.deepEqual(scoped.contacts.nodes, [{ name: 'Ada Lovelace' }]);

  const body = await graphql(gg.url, ADA_AND_ORG, undefined, { headers: bearer(issuer.token({ scope: 'directory:read', gladly_account: 'demo' })) });
  assert.equal(body.data.contacts, null);
  assert.ok(body.data.organization?.name);
  const refused = body.errors.filter((e) => e.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE');
  assert.deepEqual(refused.map((e) => e.path), [['contacts']]);
});

test('gladgraph directly: a token of another audience is 401', async () => {
  const { status, text } = await post(gg.url, ADA, bearer(issuer.token({ scope: 'contacts:read', gladly_account: 'demo', aud: 'someone-else' })));
  assert.equal(status, 401, text.slice(0, 500));
  assert.match(text, /UNAUTHENTICATED/);
});
