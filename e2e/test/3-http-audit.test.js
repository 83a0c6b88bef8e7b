// Check 3: graphql-http's auditServer (the GraphQL-over-HTTP specification's own audit) against
// gladgraph's /graphql: no error, and no warning or notice beyond those the README lists.
//
// gladgraph prevents CSRF as Apollo Server does: a GET, or a POST of a "simple" content type, must
// carry a header a cross-site form cannot set. The audit's fetch adds `Apollo-Require-Preflight`,
// as a script (Apollo Client, GraphiQL) would.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { auditServer } from 'graphql-http';
import { startGladgraph } from '../lib/gladgraph.js';

// Audit results other than "ok" that we accept, by id, each with why (also in the README).
const ACCEPTED = new Map();

let gg;
let results;

before(async () => {
  gg = await startGladgraph();
  const fetchFn = (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('apollo-require-preflight', 'true');
    return fetch(input, { ...init, headers, signal: AbortSignal.timeout(10_000) });
  };
  results = await auditServer({ url: gg.url, fetchFn });
});

after(async () => {
  await gg?.stop();
});

const describe = (r) => `${r.id} ${r.name}: ${r.reason}${r.response ? ` (status ${r.response.status})` : ''}`;

test('the audit ran', () => {
  assert.ok(results.length >= 30, `only ${results.length} audit results`);
});

test('no audit errors (MUSTs of GraphQL over HTTP)', () => {
  const errors = results.filter((r) => r.status === 'error');
  assert.deepEqual(errors.map(describe), []);
});

test('no audit warnings or notices beyond the accepted ones', (t) => {
  const others = results.filter((r) => r.status !== 'ok' && r.status !== 'error');
  for (const r of others) t.diagnostic(`${r.status}: ${describe(r)}`);
  const unexpected = others.filter((r) => !ACCEPTED.has(r.id));
  assert.deepEqual(unexpected.map((r) => `${r.status}: ${describe(r)}`), []);
});

test('CSRF prevention: a GET without a preflight header is refused, with one it runs', async () => {
  const url = `${gg.url}?query=${encodeURIComponent('{ __typename }')}`;
  const refused = await fetch(url);
  assert.equal(refused.status, 400);
  assert.equal(refused.headers.get('cache-control'), 'no-store');
  const ok = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { data: { __typename: 'Query' } });
});
