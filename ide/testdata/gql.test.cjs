// node --test ide/testdata/gql.test.cjs (run by TestIDEScripts): the IDE's GraphQL analysis.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const GG = require("../assets/gql.js");

const named = (name) => ({ kind: "OBJECT", name, ofType: null });
const nonNull = (t) => ({ kind: "NON_NULL", name: null, ofType: t });
const list = (t) => ({ kind: "LIST", name: null, ofType: t });
const field = (name, type, args = []) => ({ name, type, args: args.map((a) => ({ name: a })) });
const schema = GG.indexSchema({
  queryType: { name: "Query" }, mutationType: { name: "Mutation" }, subscriptionType: null,
  types: [
    { kind: "OBJECT", name: "Query", fields: [field("contact", named("Contact"), ["id"]), field("contacts", nonNull(list(nonNull(named("Contact")))), ["email"]), field("version", named("String"))] },
    { kind: "OBJECT", name: "Mutation", fields: [field("updateContact", named("Contact"), ["input"])] },
    { kind: "OBJECT", name: "Contact", fields: [field("id", nonNull(named("ID"))), field("name", named("String")), field("email", named("String")), field("tickets", named("TicketConnection"), ["first"])] },
    { kind: "OBJECT", name: "TicketConnection", fields: [field("totalCount", named("Int")), field("nodes", list(named("Ticket")))] },
    { kind: "OBJECT", name: "Ticket", fields: [field("id", named("ID")), field("subject", named("String"))] },
    { kind: "SCALAR", name: "String" }, { kind: "SCALAR", name: "ID" }, { kind: "SCALAR", name: "Int" },
  ],
});

const caretAt = (marked) => ({ src: marked.replace("|", ""), offset: marked.indexOf("|") });
const labels = (r) => r.items.map((i) => i.label);

test("completion offers the fields of the type the caret's selection set selects from", () => {
  let { src, offset } = caretAt(`query { contact(id: "1") { na| } }`);
  assert.deepEqual(labels(GG.complete(schema, src, offset)), ["name"]);
  ({ src, offset } = caretAt(`{ contacts(email: "a@b.c") { tickets(first: 2) { nodes { | } } } }`));
  assert.deepEqual(labels(GG.complete(schema, src, offset)), ["__typename", "id", "subject"]);
  ({ src, offset } = caretAt(`mutation M { up| }`));
  assert.deepEqual(labels(GG.complete(schema, src, offset)), ["updateContact"]);
  ({ src, offset } = caretAt(`fragment C on Contact { e| }`));
  assert.deepEqual(labels(GG.complete(schema, src, offset)), ["email"]);
  ({ src, offset } = caretAt(`{ contact(id: "1") { ...on TicketConnection { to| } } }`));
  assert.deepEqual(labels(GG.complete(schema, src, offset)), ["totalCount"]);
  ({ src, offset } = caretAt(`{ a: contact(id: "1") { i| } }`));
  assert.deepEqual(labels(GG.complete(schema, src, offset)), ["id"]);
  ({ src, offset } = caretAt(`qu|`));
  assert.deepEqual(labels(GG.complete(schema, src, offset)), ["query"]);
  ({ src, offset } = caretAt(`{ contact(i|) { id } }`));
  assert.deepEqual(labels(GG.complete(schema, src, offset)), [], "no field names inside arguments");
  const r = GG.complete(schema, "{ contact { ti } }", 14);
  assert.equal(r.from, 12);
  assert.equal(r.prefix, "ti");
  assert.match(r.items[0].detail, /TicketConnection \(first\)/);
});

test("validation reports unknown fields, missing and needless subselections, syntax", () => {
  const msgs = (src) => GG.validate(schema, src).map((p) => p.message);
  assert.deepEqual(msgs(`{ contact(id: "1") { id name } }`), []);
  assert.deepEqual(msgs(`query Q($e: String) { contacts(email: $e) { id tickets { totalCount } } version }`), []);
  assert.deepEqual(msgs(`{ contact(id: "1") { nmae } }`), ['Cannot query field "nmae" on type "Contact". Did you mean "name"?']);
  assert.deepEqual(msgs(`{ contact(id: "1") }`), ['Field "contact" of type "Contact" must have a selection of subfields.']);
  assert.deepEqual(msgs(`{ version { x } }`), ['Field "version" is a String and has no subfields.']);
  assert.deepEqual(msgs(`{ contact(id: "1") { id }`), ['"{" is never closed.']);
  assert.deepEqual(msgs(`{ contact(id: "1) { id } }`), ['"{" is never closed.', '"(" is never closed.', "Unterminated string."]);
  const [p] = GG.validate(schema, `{\n  contact(id: "1") {\n    nope\n  }\n}`);
  assert.deepEqual(GG.position(`{\n  contact(id: "1") {\n    nope\n  }\n}`, p.start), { line: 3, column: 5 });
  assert.deepEqual(GG.validate(null, `{ anything { goes } }`), [], "without a schema only syntax is checked");
});

test("prettify reprints the document from its tokens", () => {
  const ugly = `query Q($id:ID!,$n:Int=2){contact(id:$id){id name # the name
tickets(first:$n){totalCount nodes{id subject}} ...F}} fragment F on Contact{email}`;
  const want = `query Q($id: ID!, $n: Int = 2) {
  contact(id: $id) {
    id
    name
    # the name
    tickets(first: $n) {
      totalCount
      nodes {
        id
        subject
      }
    }
    ...F
  }
}

fragment F on Contact {
  email
}
`;
  assert.equal(GG.prettify(ugly), want);
  assert.equal(GG.prettify(want), want, "prettify is stable");
  assert.equal(GG.prettify(`{a:contact(id:"x, y"){id}}`), `{\n  a: contact(id: "x, y") {\n    id\n  }\n}\n`);
  assert.equal(GG.prettify(`{ contacts(email: ["a", "b"]) @include(if: true) { id } }`), `{\n  contacts(email: ["a", "b"]) @include(if: true) {\n    id\n  }\n}\n`);
  const broken = `{ contact(id: "1) { id }`;
  assert.equal(GG.prettify(broken), broken, "a document that does not tokenize is left alone");
});
