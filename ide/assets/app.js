// The IDE page: editors, running queries, the response view, history.
"use strict";
(function (GG) {
  const $ = (id) => document.getElementById(id);
  const cfg = JSON.parse($("gg-config").textContent);
  const store = {
    get(k, d) { try { const v = localStorage.getItem("gladgraph." + k); return v == null ? d : JSON.parse(v); } catch { return d; } },
    set(k, v) { try { localStorage.setItem("gladgraph." + k, JSON.stringify(v)); } catch { /* private mode, full */ } },
  };
  $("endpoint").textContent = new URL(cfg.endpoint, location.href).pathname;

  let saveTimer = 0;
  const save = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      store.set("query", query.value);
      store.set("variables", variables.value);
      store.set("headers", headers.value);
    }, 300);
  };

  const query = GG.Editor($("query-editor"), {
    language: "graphql", value: store.get("query", cfg.defaultQuery), onRun: run,
    onChange: () => { save(); updateOperations(); checkSoon(); suggestSoon(); },
    onKeyDown: (e) => completionKey(e),
  });
  const variables = GG.Editor($("variables-editor"), { language: "json", value: store.get("variables", ""), onRun: run, onChange: save });
  const headers = GG.Editor($("headers-editor"), { language: "json", value: store.get("headers", ""), onRun: run, onChange: save });

  // Variables / Headers tabs.
  const tabs = { variables: [$("tab-variables"), $("variables-editor")], headers: [$("tab-headers"), $("headers-editor")] };
  for (const [name, [tab]] of Object.entries(tabs)) {
    tab.addEventListener("click", () => {
      for (const [other, [t, pane]] of Object.entries(tabs)) {
        t.setAttribute("aria-selected", String(other === name));
        pane.hidden = other !== name;
      }
    });
  }

  // Operation picker: shown when the document defines several operations.
  const opSelect = $("operation");
  function updateOperations() {
    const names = GG.operations(query.value).map((o) => o.name).filter(Boolean);
    const current = opSelect.value;
    opSelect.replaceChildren(...names.map((n) => new Option(n, n)));
    opSelect.hidden = names.length < 2;
    if (names.includes(current)) opSelect.value = current;
  }
  updateOperations();

  function parseJSONObject(text, what) {
    if (!text.trim()) return {};
    let v;
    try { v = JSON.parse(text); } catch (e) { throw new Error(what + " are not valid JSON: " + e.message); }
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(what + " must be a JSON object");
    return v;
  }

  async function post(body, extraHeaders, signal) {
    const h = { "Content-Type": "application/json", Accept: "application/graphql-response+json, application/json" };
    for (const [k, v] of Object.entries(extraHeaders)) h[k] = String(v);
    return fetch(cfg.endpoint, { method: "POST", headers: h, body: JSON.stringify(body), signal, credentials: "same-origin" });
  }

  const statusEl = $("status"), responseEl = $("response"), runBtn = $("run");
  let inflight = null;

  function showStatus(parts) {
    statusEl.replaceChildren(...parts.map(([text, cls]) => {
      const s = document.createElement("span");
      s.textContent = text;
      if (cls) s.className = cls;
      return s;
    }));
  }

  function showBody(text) {
    responseEl.classList.remove("error");
    let pretty = text;
    try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON: shown as is */ }
    if (pretty.length > 2e6) responseEl.textContent = pretty; // too big to colour quickly
    else responseEl.innerHTML = GG.highlightJSON(pretty);
  }

  function showError(msg) {
    responseEl.classList.add("error");
    responseEl.textContent = msg;
  }

  const fmtBytes = (n) => (n < 1024 ? n + " B" : n < 1048576 ? (n / 1024).toFixed(1) + " KB" : (n / 1048576).toFixed(1) + " MB");

  async function run() {
    if (inflight) { inflight.abort(); return; }
    let vars, hdrs;
    try {
      vars = parseJSONObject(variables.value, "Variables");
      hdrs = parseJSONObject(headers.value, "Headers");
    } catch (e) { showStatus([["Not sent: ", "bad"], [e.message]]); return; }
    const ops = GG.operations(query.value).map((o) => o.name).filter(Boolean);
    const operationName = ops.length > 1 ? opSelect.value : ops.length === 1 ? ops[0] : undefined;
    const body = { query: query.value, variables: vars };
    if (operationName) body.operationName = operationName;

    remember(body);
    const ctl = new AbortController();
    inflight = ctl;
    runBtn.textContent = "■ Stop";
    runBtn.classList.add("running");
    showStatus([["Running…"]]);
    const t0 = performance.now();
    try {
      const res = await post(body, hdrs, ctl.signal);
      const text = await res.text();
      const ms = Math.round(performance.now() - t0);
      showStatus([[res.status + " " + (res.statusText || ""), res.ok ? "ok" : "bad"], [" · " + ms + " ms · " + fmtBytes(new Blob([text]).size)],
        [res.headers.get("X-Request-Id") ? " · request " + res.headers.get("X-Request-Id") : ""]]);
      showBody(text);
    } catch (e) {
      if (e.name === "AbortError") showStatus([["Stopped", "bad"]]);
      else { showStatus([["Network error", "bad"]]); showError(String(e.message || e)); }
    } finally {
      inflight = null;
      runBtn.textContent = "▶ Run";
      runBtn.classList.remove("running");
    }
  }

  // History, newest first, in localStorage.
  const MAX_HISTORY = 30;
  function remember(body) {
    const entry = { query: body.query, variables: variables.value, operationName: body.operationName || "", at: Date.now() };
    const h = store.get("history", []).filter((e) => !(e.query === entry.query && e.variables === entry.variables));
    h.unshift(entry);
    store.set("history", h.slice(0, MAX_HISTORY));
    if (!$("history").hidden) paintHistory();
  }
  function paintHistory() {
    const list = $("history-list");
    const h = store.get("history", []);
    list.replaceChildren(...h.map((e) => {
      const li = document.createElement("li");
      const name = document.createElement("div");
      name.className = "h-name";
      const firstOp = GG.operations(e.query).find((o) => o.name);
      name.textContent = e.operationName || (firstOp && firstOp.name) || e.query.replace(/#[^\n]*/g, "").replace(/\s+/g, " ").trim().slice(0, 60);
      const time = document.createElement("div");
      time.className = "h-time";
      time.textContent = new Date(e.at).toLocaleString();
      li.append(name, time);
      li.title = e.query;
      li.addEventListener("click", () => {
        query.value = e.query;
        variables.value = e.variables || "";
        if (e.operationName) opSelect.value = e.operationName;
        query.focus();
      });
      return li;
    }));
    if (!h.length) list.replaceChildren(Object.assign(document.createElement("li"), { textContent: "Queries you run appear here." }));
  }
  $("clear-history").addEventListener("click", () => { store.set("history", []); paintHistory(); });

  // Side panels: one at a time.
  const explorer = GG.Explorer({ body: $("docs-body"), title: $("docs-title"), back: $("docs-back"), search: $("docs-search"), reload: $("docs-reload"),
    onSchema: (schema) => { schemaIndex = GG.indexSchema(schema); check(); } },
    async (q) => {
      let hdrs = {};
      try { hdrs = parseJSONObject(headers.value, "Headers"); } catch { /* sent without */ }
      const res = await post({ query: q, operationName: "IntrospectionQuery" }, hdrs);
      const text = await res.text();
      try { return JSON.parse(text); } catch { throw new Error("HTTP " + res.status); }
    });
  function toggle(which) {
    for (const name of ["history", "docs"]) {
      const open = name === which && $(name).hidden;
      $(name).hidden = !open;
      $("toggle-" + name).setAttribute("aria-pressed", String(open));
    }
    if (!$("history").hidden) paintHistory();
    if (!$("docs").hidden && !explorer.loaded) explorer.load();
  }
  $("toggle-history").addEventListener("click", () => toggle("history"));
  $("toggle-docs").addEventListener("click", () => toggle("docs"));

  function prettify() {
    query.value = GG.prettify(query.value);
    for (const ed of [variables, headers]) {
      try { if (ed.value.trim()) ed.value = JSON.stringify(JSON.parse(ed.value), null, 2); } catch { /* leave as typed */ }
    }
  }
  $("prettify").addEventListener("click", prettify);
  runBtn.addEventListener("click", run);
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); run(); }
    if ((e.ctrlKey || e.metaKey) && e.shiftKey && (e.key === "P" || e.key === "p")) { e.preventDefault(); prettify(); }
  });
  // Problems: syntax at once, unknown fields and selections once the schema is loaded (at start,
  // through the explorer's introspection). Listed under the editor and marked in its gutter.
  let schemaIndex = null, checkTimer = 0, suggestTimer = 0;
  const problemsEl = $("problems");
  function checkSoon() { clearTimeout(checkTimer); checkTimer = setTimeout(check, 150); }
  function check() {
    const src = query.value;
    const problems = GG.validate(schemaIndex, src);
    const lines = new Set();
    problemsEl.replaceChildren(...problems.map((p) => {
      const at = GG.position(src, p.start);
      lines.add(at.line);
      const li = document.createElement("li");
      li.textContent = `${at.line}:${at.column}  ${p.message}`;
      li.addEventListener("click", () => query.select(p.start, p.end));
      return li;
    }));
    problemsEl.hidden = problems.length === 0;
    query.setMarks(lines);
  }

  // Completion: the fields of the selection set at the caret, as you type a name (or on
  // Ctrl-Space); ↑/↓ choose, Enter or Tab take, Escape closes.
  const popup = document.createElement("ul");
  popup.className = "completions";
  popup.setAttribute("role", "listbox");
  popup.hidden = true;
  query.overlay(popup);
  let offer = null, active = 0;
  function suggestSoon() { clearTimeout(suggestTimer); suggestTimer = setTimeout(() => suggest(false), 60); }
  function suggest(forced) {
    const ta = query.textarea;
    if (document.activeElement !== ta || ta.selectionStart !== ta.selectionEnd) return closePopup();
    const r = GG.complete(schemaIndex, ta.value, ta.selectionStart);
    if (!r.items.length || (!forced && r.prefix === "")) return closePopup();
    offer = r; active = 0;
    paintPopup();
  }
  function paintPopup() {
    popup.replaceChildren(...offer.items.slice(0, 50).map((it, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.className = (i === active ? "active" : "") + (it.deprecated ? " deprecated" : "");
      const label = document.createElement("span"); label.className = "label"; label.textContent = it.label;
      const detail = document.createElement("span"); detail.className = "detail"; detail.textContent = it.detail;
      li.append(label, detail);
      if (it.description) li.title = it.description;
      li.addEventListener("mousedown", (e) => { e.preventDefault(); accept(i); });
      return li;
    }));
    const at = query.caretPoint();
    popup.style.left = at.left + "px";
    popup.style.top = at.top + "px";
    popup.hidden = false;
    const cur = popup.children[active];
    if (cur) cur.scrollIntoView({ block: "nearest" });
  }
  function closePopup() { popup.hidden = true; offer = null; }
  function accept(i) {
    const it = offer.items[i];
    const ta = query.textarea;
    query.replace(offer.from, ta.selectionStart, it.label);
    closePopup();
  }
  function completionKey(e) {
    if (e.ctrlKey && e.key === " ") { e.preventDefault(); suggest(true); return true; }
    if (!offer || popup.hidden) return false;
    const n = Math.min(offer.items.length, 50);
    if (e.key === "ArrowDown") { active = (active + 1) % n; paintPopup(); }
    else if (e.key === "ArrowUp") { active = (active + n - 1) % n; paintPopup(); }
    else if (e.key === "Enter" || e.key === "Tab") accept(active);
    else if (e.key === "Escape") closePopup();
    else return false;
    e.preventDefault();
    return true;
  }
  query.textarea.addEventListener("blur", () => setTimeout(closePopup, 100));
  query.textarea.addEventListener("click", closePopup);

  explorer.load(); // the schema feeds completion and checks even while the Docs panel is closed
  check();
  query.focus();
})(window.GG);
