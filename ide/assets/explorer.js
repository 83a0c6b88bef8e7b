// The schema explorer: built from an introspection query; types, fields, arguments and
// descriptions, with click-through and search.
"use strict";
window.GG = window.GG || {};
(function (GG) {
  const typeRef = "kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }";
  GG.introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types {
      kind name description
      fields(includeDeprecated: true) {
        name description isDeprecated deprecationReason
        args { name description defaultValue type { ${typeRef} } }
        type { ${typeRef} }
      }
      inputFields { name description defaultValue type { ${typeRef} } }
      interfaces { name }
      enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
      possibleTypes { name }
    }
  }
}`;

  const el = (tag, attrs, ...kids) => {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") n.className = v;
      else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v);
    }
    for (const k of kids.flat(Infinity)) if (k != null) n.append(k);
    return n;
  };

  GG.Explorer = function (ui, fetchSchema) {
    let schema = null, byName = new Map(), stack = [];

    const typeLink = (t) => {
      if (t.kind === "NON_NULL") return [typeLink(t.ofType), "!"];
      if (t.kind === "LIST") return ["[", typeLink(t.ofType), "]"];
      return el("a", { onclick: () => show(t.name) }, t.name);
    };
    const named = (t) => (t.ofType ? named(t.ofType) : t.name);
    const desc = (d) => (d ? el("div", { class: "desc" }, d) : null);

    function fieldView(f, withArgs) {
      const args = withArgs && f.args && f.args.length
        ? ["(", f.args.map((a, i) => [i ? ", " : "", el("span", { class: "arg" }, a.name), ": ", typeLink(a.type),
          a.defaultValue != null ? " = " + a.defaultValue : ""]), ")"]
        : [];
      return el("div", { class: "field" + (f.isDeprecated ? " deprecated" : "") },
        el("span", { class: "fname" }, f.name), args, ": ", typeLink(f.type),
        desc(f.description), f.isDeprecated ? desc("Deprecated: " + (f.deprecationReason || "")) : null);
    }

    function rootView() {
      const roots = [["query", schema.queryType], ["mutation", schema.mutationType], ["subscription", schema.subscriptionType]]
        .filter(([, t]) => t).map(([k, t]) => el("li", {}, k + ": ", el("a", { onclick: () => show(t.name) }, t.name)));
      const types = schema.types.filter((t) => !t.name.startsWith("__")).sort((a, b) => a.name.localeCompare(b.name));
      return [el("h3", {}, "Root types"), el("ul", {}, roots),
        el("h3", {}, "All types (" + types.length + ")"),
        el("ul", {}, types.map((t) => el("li", {}, el("a", { onclick: () => show(t.name) }, t.name), el("span", { class: "kind" }, t.kind.toLowerCase()))))];
    }

    function typeView(t) {
      const parts = [el("div", { class: "kind" }, t.kind.toLowerCase()), desc(t.description)];
      if (t.interfaces && t.interfaces.length) parts.push(el("h3", {}, "Implements"), el("ul", {}, t.interfaces.map((i) => el("li", {}, typeLink(i)))));
      if (t.fields && t.fields.length) parts.push(el("h3", {}, "Fields"), t.fields.map((f) => fieldView(f, true)));
      if (t.inputFields && t.inputFields.length) parts.push(el("h3", {}, "Input fields"), t.inputFields.map((f) => fieldView(f, false)));
      if (t.enumValues && t.enumValues.length) parts.push(el("h3", {}, "Values"), t.enumValues.map((v) =>
        el("div", { class: "field" + (v.isDeprecated ? " deprecated" : "") }, el("span", { class: "fname" }, v.name), desc(v.description))));
      if (t.possibleTypes && t.possibleTypes.length) parts.push(el("h3", {}, t.kind === "UNION" ? "Members" : "Implemented by"),
        el("ul", {}, t.possibleTypes.map((p) => el("li", {}, typeLink(p)))));
      return parts;
    }

    function searchView(q) {
      q = q.toLowerCase();
      const hits = [];
      for (const t of schema.types) {
        if (t.name.startsWith("__")) continue;
        if (t.name.toLowerCase().includes(q)) hits.push(el("li", {}, el("a", { onclick: () => show(t.name) }, t.name), el("span", { class: "kind" }, t.kind.toLowerCase())));
        for (const f of t.fields || []) {
          if (f.name.toLowerCase().includes(q)) hits.push(el("li", {}, el("a", { onclick: () => show(t.name) }, t.name), ".", el("span", { class: "fname" }, f.name), ": ", typeLink(f.type)));
        }
        if (hits.length > 200) break;
      }
      return [el("h3", {}, hits.length ? "Matches" : "No match"), el("ul", {}, hits)];
    }

    function paint() {
      ui.body.replaceChildren();
      ui.back.hidden = stack.length === 0;
      if (!schema) return;
      const q = ui.search.value.trim();
      if (q) { ui.title.textContent = "Search"; ui.body.append(...searchView(q).flat()); return; }
      const cur = stack[stack.length - 1];
      const t = cur && byName.get(cur);
      ui.title.textContent = t ? t.name : "Schema";
      ui.body.append(...(t ? typeView(t) : rootView()).flat(Infinity).filter(Boolean));
    }

    function show(name) {
      if (!byName.has(name)) return;
      ui.search.value = "";
      stack.push(name);
      paint();
      ui.body.scrollTop = 0;
    }

    async function load() {
      ui.body.replaceChildren(el("div", { class: "desc" }, "Loading the schema…"));
      try {
        const res = await fetchSchema(GG.introspectionQuery);
        if (!res.data || !res.data.__schema) {
          const msg = res.errors && res.errors.length ? res.errors.map((e) => e.message).join("; ") : "no schema in the answer";
          throw new Error(msg);
        }
        schema = res.data.__schema;
        byName = new Map(schema.types.map((t) => [t.name, t]));
        if (ui.onSchema) ui.onSchema(schema);
        stack = [];
        paint();
      } catch (err) {
        schema = null;
        ui.body.replaceChildren(el("div", { class: "desc" },
          "The schema could not be loaded: " + err.message +
          ". Introspection may be switched off on this server (GRAPHQL_INTROSPECTION)."));
      }
    }

    ui.back.addEventListener("click", () => { stack.pop(); paint(); });
    ui.search.addEventListener("input", paint);
    ui.reload.addEventListener("click", load);
    return { load, show, get loaded() { return !!schema; }, named };
  };
})(window.GG);
