// GraphQL analysis for the IDE, without the DOM (node tests load it too): a tokenizer, a
// prettifier that reprints the document from its tokens, field completion and validation against
// the introspected schema. It follows selection sets the way a GraphQL parser would, so that
// completion and errors know the type each `{ … }` selects from.
"use strict";
(function (GG) {
  const PUNCT = "!$&()[]{}:=@|";

  // tokenize splits src into tokens {kind, value, start, end}; kinds: name, number, string,
  // block (block string), comment, punct ("..." included), error (an unterminated string or a
  // character GraphQL does not allow).
  function tokenize(src) {
    const out = [];
    let i = 0;
    const n = src.length;
    while (i < n) {
      const c = src[i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "," || c === "\ufeff") { i++; continue; }
      const start = i;
      if (c === "#") {
        while (i < n && src[i] !== "\n") i++;
        out.push({ kind: "comment", value: src.slice(start, i), start, end: i });
      } else if (src.startsWith('"""', i)) {
        i += 3;
        while (i < n && !src.startsWith('"""', i)) i += src[i] === "\\" && src.startsWith('"""', i + 1) ? 4 : 1;
        const closed = i < n;
        i = Math.min(n, i + 3);
        out.push({ kind: closed ? "block" : "error", value: src.slice(start, i), start, end: i, message: closed ? undefined : "Unterminated block string." });
      } else if (c === '"') {
        i++;
        while (i < n && src[i] !== '"' && src[i] !== "\n") i += src[i] === "\\" ? 2 : 1;
        const closed = src[i] === '"';
        if (closed) i++;
        out.push({ kind: closed ? "string" : "error", value: src.slice(start, i), start, end: i, message: closed ? undefined : "Unterminated string." });
      } else if (src.startsWith("...", i)) {
        i += 3;
        out.push({ kind: "punct", value: "...", start, end: i });
      } else if (PUNCT.includes(c)) {
        i++;
        out.push({ kind: "punct", value: c, start, end: i });
      } else if (/[_A-Za-z]/.test(c)) {
        while (i < n && /[_0-9A-Za-z]/.test(src[i])) i++;
        out.push({ kind: "name", value: src.slice(start, i), start, end: i });
      } else if (/[-0-9]/.test(c)) {
        i++;
        while (i < n && /[0-9.eE+\-]/.test(src[i])) i++;
        out.push({ kind: "number", value: src.slice(start, i), start, end: i });
      } else {
        i++;
        out.push({ kind: "error", value: c, start, end: i, message: `Unexpected character "${c}".` });
      }
    }
    return out;
  }

  // prettify reprints the document: one selection per line, two-space indentation, arguments and
  // variable definitions inline with ", " between them, comments kept on their own lines, a blank
  // line between definitions. A document that does not tokenize cleanly is returned as it was.
  function prettify(src) {
    const toks = tokenize(src);
    if (toks.some((t) => t.kind === "error")) return src;
    let out = "";
    let depth = 0; // selection-set depth
    let inline = 0; // inside (…), […] or an input object {…}: everything stays on the line
    let line = "";
    let prev = null;
    const flush = () => { if (line.trim() !== "") out += "  ".repeat(depth) + line.trim() + "\n"; line = ""; };
    const is = (t, v) => t && t.kind === "punct" && t.value === v;
    for (const t of toks) {
      if (t.kind === "comment") {
        if (inline) { line += " " + t.value; continue; }
        flush(); line = t.value; flush(); prev = null;
        continue;
      }
      if (!inline && is(t, "{")) {
        line += (line.trim() ? " " : "") + "{";
        flush(); depth++; prev = t;
        continue;
      }
      if (!inline && is(t, "}")) {
        flush(); depth = Math.max(0, depth - 1); line = "}"; flush();
        if (depth === 0) out += "\n";
        prev = t;
        continue;
      }
      // A new selection starts a new line, unless it continues the last one (an alias's field,
      // a directive, a fragment's type condition).
      if (!inline && depth > 0 && prev && startsSelection(prev, t)) flush();
      line += line === "" ? t.value : separator(prev, t, inline) + t.value;
      if (is(t, "(") || is(t, "[") || (inline && is(t, "{"))) inline++;
      if (is(t, ")") || is(t, "]") || (inline && is(t, "}"))) inline = Math.max(0, inline - 1);
      prev = t;
    }
    flush();
    return out.replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
  }

  // separator is what goes between prev and t on one line.
  function separator(prev, t, inline) {
    const p = prev && prev.kind === "punct" ? prev.value : null;
    const v = t.kind === "punct" ? t.value : null;
    if (!prev) return "";
    if (p === "(" || p === "[" || p === "$" || p === "@") return "";
    if (p === "...") return t.value === "on" ? " " : "";
    if (v === "(" || v === ")" || v === "]" || v === ":" || v === "!") return "";
    if (inline && v === "}") return " ";
    if (p === "{" && inline) return " ";
    if (v === "=" || p === ":" || p === "=" || v === "|" || p === "|") return " ";
    const endsValue = !p || p === ")" || p === "]" || p === "}" || p === "!";
    const startsValue = !v || v === "$" || v === "[" || v === "{";
    if (inline && endsValue && startsValue) return ", ";
    return " ";
  }

  // startsSelection: in a selection set, token t begins a new selection after prev.
  function startsSelection(prev, t) {
    if (t.kind === "punct") return t.value === "...";
    if (t.kind !== "name") return false;
    if (prev.kind === "punct") return prev.value === ")" || prev.value === "}" || prev.value === "{";
    return prev.kind === "name" && prev.value !== "on";
  }

  // indexSchema turns an introspection __schema into lookups: types by name, each object's or
  // interface's fields with their named (unwrapped) type.
  function indexSchema(schema) {
    const types = new Map();
    const named = (ref) => { while (ref && ref.ofType) ref = ref.ofType; return ref ? ref.name : null; };
    for (const t of schema.types || []) {
      const fields = new Map();
      for (const f of t.fields || []) fields.set(f.name, { name: f.name, type: named(f.type), args: (f.args || []).map((a) => a.name), description: f.description || "", deprecated: !!f.isDeprecated });
      types.set(t.name, { name: t.name, kind: t.kind, fields, possible: (t.possibleTypes || []).map((p) => p.name) });
    }
    return {
      types,
      roots: {
        query: schema.queryType && schema.queryType.name,
        mutation: schema.mutationType && schema.mutationType.name,
        subscription: schema.subscriptionType && schema.subscriptionType.name,
      },
    };
  }

  // walk follows the document's selection sets, calling onField({token, parent, parentType,
  // field}) for each field selected. With an offset it also reports the caret: the type the
  // innermost selection set open there selects from, and whether it is inside arguments.
  function walk(idx, toks, onField, offset) {
    const stack = []; // type names (null when unknown) of the open selection sets
    let pending = null; // the type the next "{" opens
    let caret = { type: undefined, inArgs: false, top: true };
    let parens = 0, k = 0;
    const types = idx ? idx.types : new Map();
    const note = (t) => {
      if (offset !== undefined && t.start >= offset && caret.type === undefined) {
        caret = { type: stack.length ? stack[stack.length - 1] : null, inArgs: parens > 0, top: stack.length === 0 };
      }
    };
    for (; k < toks.length; k++) {
      const t = toks[k];
      note(t);
      if (t.kind === "comment") continue;
      if (t.kind === "punct") {
        if (t.value === "(") { parens++; continue; }
        if (t.value === ")") { parens = Math.max(0, parens - 1); continue; }
        if (parens) continue;
        if (t.value === "{") { stack.push(pending); pending = null; continue; }
        if (t.value === "}") { stack.pop(); pending = null; continue; }
        if (t.value === "@") { k++; continue; } // the directive's name; its arguments are skipped as parens
        if (t.value === "...") {
          const a = toks[k + 1], b = toks[k + 2];
          if (a && a.kind === "name" && a.value === "on" && b && b.kind === "name") { pending = b.value; k += 2; note(b); }
          else if (a && a.kind === "name") { k++; }
          else pending = stack.length ? stack[stack.length - 1] : null; // ... @dir { } or ... { }
          continue;
        }
        continue;
      }
      if (parens || t.kind !== "name") continue;
      if (!stack.length) {
        // Top level: operation and fragment headers.
        if (idx && (t.value === "query" || t.value === "mutation" || t.value === "subscription")) pending = idx.roots[t.value] || null;
        else if (t.value === "fragment") {
          const on = toks[k + 2], tc = toks[k + 3];
          if (on && on.value === "on" && tc && tc.kind === "name") { pending = tc.value; k += 3; }
        }
        continue;
      }
      // In a selection set: alias? then the field.
      let f = t;
      if (toks[k + 1] && toks[k + 1].value === ":" && toks[k + 2] && toks[k + 2].kind === "name") { k += 2; f = toks[k]; note(f); }
      const parent = stack[stack.length - 1];
      const pt = parent ? types.get(parent) : null;
      const field = f.value === "__typename" ? { name: "__typename", type: "String" } : pt ? pt.fields.get(f.value) : undefined;
      onField && onField({ token: f, parent, parentType: pt, field });
      pending = field ? field.type : null;
    }
    if (offset !== undefined && caret.type === undefined) {
      caret = { type: stack.length ? stack[stack.length - 1] : null, inArgs: parens > 0, top: stack.length === 0 };
    }
    return { caret, open: stack.length };
  }

  // validate returns problems {message, start, end}: tokens GraphQL does not allow, unbalanced
  // brackets, and — once the schema is known — fields their type does not have, and objects
  // selected without a selection set.
  function validate(idx, src) {
    const toks = tokenize(src);
    const problems = [];
    for (const t of toks) if (t.kind === "error") problems.push({ message: t.message, start: t.start, end: t.end });
    const open = [];
    const pairs = { ")": "(", "]": "[", "}": "{" };
    for (const t of toks) {
      if (t.kind !== "punct") continue;
      if ("([{".includes(t.value)) open.push(t);
      else if (pairs[t.value]) {
        const o = open.pop();
        if (!o || o.value !== pairs[t.value]) problems.push({ message: `Unexpected "${t.value}".`, start: t.start, end: t.end });
      }
    }
    for (const o of open) problems.push({ message: `"${o.value}" is never closed.`, start: o.start, end: o.end });
    problems.sort((a, b) => a.start - b.start);
    if (problems.length || !idx) return problems;
    const fields = [];
    walk(idx, anonymousRoot(idx, toks), (v) => fields.push(v));
    for (let i = 0; i < fields.length; i++) {
      const { token, parent, parentType, field } = fields[i];
      if (!parentType || !parentType.fields.size) continue; // a scalar's subselection is reported at its field
      if (!field) {
        const near = closest(token.value, [...parentType.fields.keys()]);
        problems.push({ message: `Cannot query field "${token.value}" on type "${parent}".` + (near ? ` Did you mean "${near}"?` : ""), start: token.start, end: token.end });
        continue;
      }
      const ft = idx.types.get(field.type);
      const selects = ft && (ft.kind === "OBJECT" || ft.kind === "INTERFACE" || ft.kind === "UNION");
      const nextTok = toks[toks.indexOf(token) + 1 + skipArgs(toks, toks.indexOf(token) + 1)];
      const hasSet = nextTok && nextTok.value === "{";
      if (selects && !hasSet) problems.push({ message: `Field "${token.value}" of type "${field.type}" must have a selection of subfields.`, start: token.start, end: token.end });
      if (!selects && ft && hasSet) problems.push({ message: `Field "${token.value}" is a ${field.type} and has no subfields.`, start: token.start, end: token.end });
    }
    return problems;
  }

  // skipArgs counts the tokens from k that belong to an argument list and directives.
  function skipArgs(toks, k) {
    let n = 0, depth = 0;
    while (k + n < toks.length) {
      const t = toks[k + n];
      if (t.kind === "comment") { n++; continue; }
      if (t.value === "(") depth++;
      else if (t.value === ")") depth--;
      else if (!depth && t.value === "@") { n += 2; continue; }
      else if (!depth) break;
      n++;
    }
    return n;
  }

  // anonymousRoot gives a leading "{" (a query without a header) the query root's type by
  // prefixing a synthetic "query" token.
  function anonymousRoot(idx, toks) {
    const first = toks.find((t) => t.kind !== "comment");
    if (first && first.value === "{") return [{ kind: "name", value: "query", start: first.start, end: first.start }, ...toks];
    return toks;
  }

  // complete suggests what may be typed at offset: the fields of the type the caret's selection
  // set selects from (with their types), or the operation keywords at the top level. prefix is
  // the part of the name already typed before the caret; from is where it starts.
  function complete(idx, src, offset) {
    let from = offset;
    while (from > 0 && /[_0-9A-Za-z]/.test(src[from - 1])) from--;
    const prefix = src.slice(from, offset);
    // The partial name is left out, so that it is not taken for a field.
    const toks = tokenize(src.slice(0, from) + src.slice(offset));
    const { caret } = walk(idx, anonymousRoot(idx, toks), null, from);
    let items = [];
    if (caret.inArgs) return { from, prefix, items };
    if (caret.top) {
      items = ["query", "mutation", "subscription", "fragment"].map((k) => ({ label: k, detail: "keyword" }));
    } else if (idx && caret.type) {
      const t = idx.types.get(caret.type);
      if (t) {
        items = [...t.fields.values()].map((f) => ({ label: f.name, detail: f.type + (f.args.length ? " (" + f.args.join(", ") + ")" : ""), deprecated: f.deprecated, description: f.description }));
        items.push({ label: "__typename", detail: "String" });
        if (t.kind === "UNION" || t.kind === "INTERFACE") for (const p of t.possible) items.push({ label: "... on " + p, detail: "fragment" });
      }
    }
    const lower = prefix.toLowerCase();
    items = items.filter((it) => it.label.toLowerCase().startsWith(lower) && it.label !== prefix);
    items.sort((a, b) => (a.deprecated - b.deprecated) || a.label.localeCompare(b.label));
    return { from, prefix, items };
  }

  // closest returns the candidate nearest to name by edit distance, when near enough to be a typo.
  function closest(name, candidates) {
    let best = null, bestD = Infinity;
    for (const c of candidates) {
      const d = distance(name.toLowerCase(), c.toLowerCase());
      if (d < bestD) { best = c; bestD = d; }
    }
    return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
  }

  function distance(a, b) {
    const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = dp[0];
      dp[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = dp[j];
        dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return dp[b.length];
  }

  // position turns an offset into a 1-based line and column.
  function position(src, offset) {
    const before = src.slice(0, offset).split("\n");
    return { line: before.length, column: before[before.length - 1].length + 1 };
  }

  Object.assign(GG, { tokenize, prettify, indexSchema, validate, complete, position });
})(typeof window !== "undefined" ? (window.GG = window.GG || {}) : module.exports);
