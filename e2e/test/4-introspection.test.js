// Check 4: schema tooling sees the schema gladgraph publishes. graphql-js builds a client schema
// from gladgraph's introspection, and that schema — printed by graphql-js — says exactly what
// gladgraph's federation SDL (_service.sdl) says, descriptions included, once the federation
// machinery is taken out of both.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  buildASTSchema, buildClientSchema, getIntrospectionQuery, Kind, lexicographicSortSchema, parse, printSchema, visit,
} from 'graphql';
import { graphqlData, startGladgraph } from '../lib/gladgraph.js';

// Federation's machinery: the spec's directives (imported, or under their federation__ / link__
// names), gqlgen's own federation directive (@computedRequires), and the types and Query fields a
// subgraph library adds for routers.
const FEDERATION_DIRECTIVES = new Set([
  'link', 'key', 'shareable', 'external', 'requires', 'provides', 'extends', 'tag', 'inaccessible', 'override',
  'composeDirective', 'interfaceObject', 'authenticated', 'requiresScopes', 'policy', 'cost', 'listSize',
  'context', 'fromContext', 'computedRequires',
]);
// Directives of the GraphQL server rather than of the schema: gqlgen executes @defer (eagerly,
// in the one response), so introspection lists it; it belongs in no subgraph SDL (a router plans
// @defer itself), and graphql-js 16 does not count it among the directives printSchema leaves out.
const SERVER_DIRECTIVES = new Set(['defer']);
const FEDERATION_TYPES = new Set(['_Service', '_Entity', '_Any', 'FieldSet', '_FieldSet']);
const FEDERATION_FIELDS = new Set(['_service', '_entities']);
const isFederationName = (name) => name.startsWith('federation__') || name.startsWith('link__') || name.startsWith('join__');

/** Removes federation's directives, types and fields from an SDL document. */
export function stripFederation(doc) {
  const stripped = visit(doc, {
    Directive: (node) => (FEDERATION_DIRECTIVES.has(node.name.value) || isFederationName(node.name.value) ? null : undefined),
    DirectiveDefinition: (node) => (FEDERATION_DIRECTIVES.has(node.name.value) || isFederationName(node.name.value) ? null : undefined),
    FieldDefinition: (node) => (FEDERATION_FIELDS.has(node.name.value) ? null : undefined),
    enter(node) {
      if ('name' in node && node.name && node.kind !== Kind.FIELD_DEFINITION && node.kind !== Kind.NAMED_TYPE
        && /TypeDefinition$|TypeExtension$/.test(node.kind)
        && (FEDERATION_TYPES.has(node.name.value) || isFederationName(node.name.value))) {
        return null;
      }
      return undefined;
    },
  });
  // An `extend schema @link(…)` left with nothing to say goes too.
  return {
    ...stripped,
    definitions: stripped.definitions.filter((d) => !(d.kind === Kind.SCHEMA_EXTENSION && !d.directives?.length && !d.operationTypes?.length)),
  };
}

const canonical = (schema) => printSchema(lexicographicSortSchema(schema));

/** Lines of a that b lacks, and of b that a lacks (as multisets): enough to see a difference. */
function lineDiff(a, b) {
  const count = (text) => text.split('\n').reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map());
  const ca = count(a);
  const cb = count(b);
  const only = (x, y) => [...x].flatMap(([l, n]) => Array(Math.max(0, n - (y.get(l) ?? 0))).fill(l));
  return `only in the introspected schema:\n${only(ca, cb).slice(0, 40).join('\n')}\n\nonly in _service.sdl:\n${only(cb, ca).slice(0, 40).join('\n')}`;
}

let gg;
let introspection;
let sdl;

before(async () => {
  gg = await startGladgraph();
  introspection = await graphqlData(gg.url, getIntrospectionQuery({
    descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true,
  }));
  ({ _service: { sdl } } = await graphqlData(gg.url, '{ _service { sdl } }'));
});

after(async () => {
  await gg?.stop();
});

test('buildClientSchema accepts gladgraph\'s introspection', () => {
  const schema = buildClientSchema(introspection);
  assert.equal(schema.getQueryType()?.name, 'Query');
  assert.equal(schema.getMutationType()?.name, 'Mutation');
  assert.ok(schema.getType('Contact'), 'Contact missing');
  assert.ok(schema.getType('_Any'), 'the federation types are introspectable too');
});

test('the introspected schema equals _service.sdl minus federation internals, descriptions included', () => {
  const introspected = stripFederation(parse(printSchema(buildClientSchema(introspection))));
  const serverless = { ...introspected, definitions: introspected.definitions.filter((d) => !(d.kind === Kind.DIRECTIVE_DEFINITION && SERVER_DIRECTIVES.has(d.name.value))) };
  const fromIntrospection = canonical(buildASTSchema(serverless));
  const fromSdl = canonical(buildASTSchema(stripFederation(parse(sdl))));
  assert.ok(fromSdl.includes('"""\nA person the organization supports.'), 'descriptions are missing from the printed SDL');
  assert.ok(fromIntrospection === fromSdl, `the two schemas differ\n${lineDiff(fromIntrospection, fromSdl)}`);
});
