// A small code editor: a textarea laid over a highlighted copy of its text, with line numbers.
"use strict";
window.GG = window.GG || {};
(function (GG) {
  GG.Editor = function (host, opts) {
    const root = document.createElement("div");
    root.className = "ed";
    const gutter = document.createElement("div");
    gutter.className = "ed-gutter";
    gutter.setAttribute("aria-hidden", "true");
    const code = document.createElement("div");
    code.className = "ed-code";
    const pre = document.createElement("pre");
    pre.setAttribute("aria-hidden", "true");
    const ta = document.createElement("textarea");
    ta.spellcheck = false;
    ta.autocapitalize = "off";
    ta.setAttribute("autocomplete", "off");
    ta.setAttribute("autocorrect", "off");
    ta.setAttribute("aria-label", host.getAttribute("aria-label") || "editor");
    code.append(pre, ta);
    root.append(gutter, code);
    host.append(root);

    const highlight = opts.language === "json" ? GG.highlightJSON : GG.highlightGraphQL;
    let lines = 0;
    let marks = new Set(); // line numbers with a problem, painted in the gutter
    function paintGutter() {
      let g = "";
      for (let i = 1; i <= lines; i++) g += marks.has(i) ? `<span class="ed-mark">${i}</span>\n` : i + "\n";
      gutter.innerHTML = g;
    }
    function render() {
      const v = ta.value;
      // A trailing newline needs a visible line in the <pre>, or the last line's caret floats.
      pre.innerHTML = highlight(v) + (v.endsWith("\n") || v === "" ? " " : "");
      const n = v.split("\n").length;
      if (n !== lines) {
        lines = n;
        paintGutter();
      }
      // The textarea grows with its text; the outer box scrolls both layers together.
      code.style.minWidth = "";
      code.style.height = "";
      code.style.minWidth = pre.scrollWidth + "px";
      code.style.height = Math.max(pre.offsetHeight, root.clientHeight) + "px";
    }

    function insert(text) {
      // execCommand keeps the browser's undo history; fall back to setRangeText.
      if (!document.execCommand || !document.execCommand("insertText", false, text)) {
        ta.setRangeText(text, ta.selectionStart, ta.selectionEnd, "end");
        ta.dispatchEvent(new Event("input"));
      }
    }

    ta.addEventListener("input", () => { render(); opts.onChange && opts.onChange(ta.value); });
    ta.addEventListener("keydown", (e) => {
      if (opts.onKeyDown && opts.onKeyDown(e)) return; // completion took the key
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
        e.preventDefault();
        e.stopPropagation(); // the page's own shortcut would run it a second time
        opts.onRun && opts.onRun();
        return;
      }
      if (e.key === "Tab" && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        const { selectionStart: s, selectionEnd: end, value } = ta;
        if (s === end && !e.shiftKey) { insert("  "); return; }
        // Indent or outdent every selected line.
        const from = value.lastIndexOf("\n", s - 1) + 1;
        const block = value.slice(from, end);
        const changed = e.shiftKey ? block.replace(/^ {1,2}/gm, "") : block.replace(/^/gm, "  ");
        ta.setSelectionRange(from, end);
        insert(changed);
        ta.setSelectionRange(from, from + changed.length);
        return;
      }
      if (e.key === "Enter" && !e.shiftKey && !e.altKey) {
        const { selectionStart: s, value } = ta;
        const lineStart = value.lastIndexOf("\n", s - 1) + 1;
        const indent = value.slice(lineStart, s).match(/^\s*/)[0];
        const before = value.slice(0, s).trimEnd();
        const after = value.slice(ta.selectionEnd);
        const opens = /[{([]$/.test(before);
        e.preventDefault();
        if (opens && /^\s*[})\]]/.test(after)) {
          insert("\n" + indent + "  " + "\n" + indent);
          const caret = s + 1 + indent.length + 2;
          ta.setSelectionRange(caret, caret);
        } else {
          insert("\n" + indent + (opens ? "  " : ""));
        }
        return;
      }
      const pairs = { "{": "}", "(": ")", "[": "]" };
      if (pairs[e.key] && ta.selectionStart === ta.selectionEnd) {
        e.preventDefault();
        insert(e.key + pairs[e.key]);
        ta.setSelectionRange(ta.selectionStart - 1, ta.selectionStart - 1);
        return;
      }
      if ("})]".includes(e.key) && ta.value[ta.selectionStart] === e.key && ta.selectionStart === ta.selectionEnd) {
        e.preventDefault(); // step over the closer typed earlier
        ta.setSelectionRange(ta.selectionStart + 1, ta.selectionStart + 1);
      }
    });
    new ResizeObserver(render).observe(root);

    ta.value = opts.value || "";
    render();
    return {
      get value() { return ta.value; },
      set value(v) { ta.value = v; render(); opts.onChange && opts.onChange(v); },
      focus() { ta.focus(); },
      textarea: ta,
      // setMarks paints the given line numbers as having problems.
      setMarks(set) { marks = set; paintGutter(); },
      // overlay adds el over the code, positioned in the code's own coordinates (it scrolls with it).
      overlay(el) { code.append(el); },
      // caretPoint is where the caret's line ends below, in the code's coordinates: the font is
      // monospaced, so line and column give it.
      caretPoint() {
        const before = ta.value.slice(0, ta.selectionStart).split("\n");
        const cs = getComputedStyle(ta);
        const ctx = document.createElement("canvas").getContext("2d");
        ctx.font = cs.font;
        const cw = ctx.measureText("m").width;
        const lh = parseFloat(cs.lineHeight) || 20;
        return { left: parseFloat(cs.paddingLeft) + before[before.length - 1].length * cw, top: parseFloat(cs.paddingTop) + before.length * lh };
      },
      select(from, to) { ta.focus(); ta.setSelectionRange(from, to); },
      replace(from, to, text) { ta.focus(); ta.setSelectionRange(from, to); insert(text); },
    };
  };
})(window.GG);
