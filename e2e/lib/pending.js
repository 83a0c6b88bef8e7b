// gladgraph's resolvers land domain by domain; until one does, its generated stub panics "not
// implemented: <Type> - <field>" and gladgraph logs the panic. A test whose query reached such a
// stub is marked TODO, naming the stubs it waits for, rather than failed: it runs in full, and must
// pass, as soon as the resolvers exist — no flag to remember to remove.

/** Returns "Type.field" of every not-implemented stub gladgraph hit since log index mark. */
export function stubsHitSince(gg, mark) {
  const hits = new Set();
  for (const l of gg.logs.slice(mark)) {
    const m = /^not implemented: \S+ - (\S+)/.exec(l.panic ?? '');
    if (!m) continue;
    // The stub names its method and field; the stack names the resolver type, e.g.
    // graph.(*ticketResolver).Contact.
    const r = /graph\.\(\*(\w+?)Resolver\)\./.exec(l.stack ?? '');
    const type = r ? r[1][0].toUpperCase() + r[1].slice(1) : '?';
    hits.add(`${type}.${m[1]}`);
  }
  return [...hits].sort();
}

/**
 * Runs fn (the test's body); when it throws after gladgraph hit not-implemented stubs, the test is
 * marked TODO with their names (and the failure is still shown).
 */
export async function unlessPending(t, gg, fn) {
  const mark = gg.logs.length;
  try {
    await fn();
  } catch (err) {
    // The panic line is written before gladgraph answers, but reaches us through a pipe.
    await new Promise((r) => setTimeout(r, 300));
    const stubs = stubsHitSince(gg, mark);
    if (stubs.length) t.todo(`waits for gladgraph resolvers not implemented yet: ${stubs.join(', ')}`);
    throw err;
  }
}
