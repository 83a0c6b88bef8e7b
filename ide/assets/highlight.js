// Tokenizers for GraphQL and JSON: highlighting, operation names and re-indentation.
"use strict";
window.GG = window.GG || {};
(function (GG) {
  const esc = (s) => s.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]);

  // One pattern per token class, tried in order at each position (sticky regexps).
  const gqlRules = [
    ["com", /#[^\n]*/y],
    ["str", /"""[\s\S]*?(?:"""|$)/y],
    ["str", /"(?:[^"\\\n]|\\.)*"?/y],
    ["var", /\$[_A-Za-z][_0-9A-Za-z]*/y],
    ["dir", /@[_A-Za-z][_0-9A-Za-z]*/y],
    ["num", /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y],
    ["name", /[_A-Za-z][_0-9A-Za-z]*/y],
    ["punct", /\.\.\.|[{}()[\]:!=|&,]/y],
    ["ws", /\s+/y],
    ["other", /./y],
  ];
  const keywords = new Set(["query", "mutation", "subscription", "fragment", "on", "type", "input", "enum",
    "interface", "union", "scalar", "schema", "extend", "directive", "implements", "repeatable"]);
  const literals = new Set(["true", "false", "null"]);

  function lex(src, rules) {
    const out = [];
    let i = 0;
    while (i < src.length) {
      for (const [kind, re] of rules) {
        re.lastIndex = i;
        const m = re.exec(src);
        if (m && m[0].length > 0) {
          out.push({ kind, text: m[0], at: i });
          i += m[0].length;
          break;
        }
      }
    }
    return out;
  }

  GG.lexGraphQL = (src) => lex(src, gqlRules);

  // Names are told apart by context: keywords, type names (after ':' 'on' or a definition
  // keyword, or capitalized), and field/argument names.
  GG.highlightGraphQL = function (src) {
    const toks = GG.lexGraphQL(src);
    let html = "";
    let prev = null; // previous significant token
    for (const t of toks) {
      let cls = "";
      switch (t.kind) {
        case "com": cls = "t-com"; break;
        case "str": cls = "t-str"; break;
        case "var": cls = "t-var"; break;
        case "dir": cls = "t-dir"; break;
        case "num": cls = "t-num"; break;
        case "punct": cls = "t-punct"; break;
        case "name":
          if (literals.has(t.text)) cls = "t-lit";
          else if (keywords.has(t.text) && !(prev && prev.text === ":")) cls = "t-kw";
          else if (prev && (prev.text === ":" || prev.text === "on" || prev.text === "[" || /^(type|input|enum|interface|union|scalar)$/.test(prev.text))) cls = "t-type";
          else if (/^[A-Z]/.test(t.text) && prev && prev.text !== "{" && prev.text !== "(") cls = "t-type";
          break;
      }
      html += cls ? `<span class="${cls}">${esc(t.text)}</span>` : esc(t.text);
      if (t.kind !== "ws" && t.kind !== "com") prev = t;
    }
    return html;
  };

  const jsonRe = /("(?:[^"\\\n]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b|([{}[\],])/g;
  GG.highlightJSON = function (src) {
    let html = "", last = 0;
    src.replace(jsonRe, (m, str, colon, num, lit, punct, at) => {
      html += esc(src.slice(last, at));
      if (str) html += `<span class="${colon ? "t-key" : "t-str"}">${esc(str)}</span>${colon ? esc(colon) : ""}`;
      else if (num) html += `<span class="t-num">${num}</span>`;
      else if (lit) html += `<span class="t-lit">${lit}</span>`;
      else html += `<span class="t-punct">${esc(punct)}</span>`;
      last = at + m.length;
      return m;
    });
    return html + esc(src.slice(last));
  };

  // The operations a document defines, in order: {type, name} (name "" when anonymous).
  GG.operations = function (src) {
    const toks = GG.lexGraphQL(src).filter((t) => t.kind !== "ws" && t.kind !== "com");
    const ops = [];
    let depth = 0;
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (t.text === "{" || t.text === "(" || t.text === "[") {
        if (depth === 0 && t.text === "{" && (i === 0 || toks[i - 1].text === "}")) ops.push({ type: "query", name: "" });
        depth++;
      } else if (t.text === "}" || t.text === ")" || t.text === "]") {
        depth = Math.max(0, depth - 1);
      } else if (depth === 0 && t.kind === "name" && /^(query|mutation|subscription)$/.test(t.text)) {
        const next = toks[i + 1];
        ops.push({ type: t.text, name: next && next.kind === "name" ? next.text : "" });
      }
    }
    return ops;
  };
})(window.GG);
