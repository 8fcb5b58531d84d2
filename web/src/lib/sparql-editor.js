// The SPARQL editor: CodeMirror 6 with the SPARQL mode of @codemirror/legacy-modes,
// completion of our prefixes and terms, and the engine's syntax errors marked in place.
//
// The editor lives in a shadow root: CodeMirror then puts its styles in a constructed
// style sheet, which the page's Content-Security-Policy (no inline styles) allows.
import { autocompletion, completeFromList } from "@codemirror/autocomplete";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { basicSetup, EditorView } from "codemirror";

const KEYWORDS = [
  "SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "BIND", "VALUES", "UNION", "MINUS",
  "GROUP BY", "ORDER BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE",
  "PREFIX", "NOT EXISTS", "COUNT", "SUM", "SAMPLE", "GROUP_CONCAT", "STRSTARTS", "LANGMATCHES",
].map((label) => ({ label, type: "keyword" }));
const KINDS = { class: "class", property: "property", thing: "variable" };

/** A completion source over the vocabulary from /api/vocabulary. */
function completions(vocabulary) {
  const prefixes = Object.entries(vocabulary.prefixes).map(([name, iri]) => ({
    label: `${name}:`, type: "namespace", detail: iri,
  }));
  const declarations = Object.entries(vocabulary.prefixes).map(([name, iri]) => ({
    label: `PREFIX ${name}: <${iri}>`, type: "keyword", detail: "declaration",
  }));
  const terms = vocabulary.terms.map((t) => ({
    label: t.name, type: KINDS[t.kind] || "variable", detail: t.label || undefined,
    // Typing a thing's label finds it too: "rkr:Dyspro" and "rkr:dysprosium".
    apply: t.name,
  }));
  const byLabel = vocabulary.terms.filter((t) => t.label).map((t) => ({
    label: `${t.name.split(":")[0]}:${t.label}`, displayLabel: t.label, type: KINDS[t.kind],
    detail: t.name, apply: t.name,
  }));
  const words = completeFromList([...KEYWORDS, ...prefixes, ...declarations]);
  return (context) => {
    const name = context.matchBefore(/[A-Za-z][\w-]*:[^\s{}()<>;,.]*/);
    if (name) {
      const prefix = name.text.split(":")[0] + ":";
      const options = [...terms, ...byLabel].filter((o) => o.label.startsWith(prefix));
      return { from: name.from, options, validFor: /^[\w:-]*$/ };
    }
    return words(context);
  };
}

/**
 * Typing over a selection replaces it here, not by the browser's own editing: Chrome
 * keeps the look of text it merges across lines with inline style attributes, which the
 * page's Content-Security-Policy refuses (and reports as an error).
 */
const overSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    if (event.inputType !== "insertText" || !event.data) return false;
    const range = replaced(event, view);
    if (!range) return false;
    event.preventDefault();
    view.dispatch({
      changes: { ...range, insert: event.data },
      selection: { anchor: range.from + event.data.length },
      userEvent: "input.type",
      scrollIntoView: true,
    });
    return true;
  },
});

/**
 * The text an insertion is about to replace, or null when it replaces nothing. The page's
 * selection is read first: the editor learns of selection changes asynchronously.
 */
function replaced(event, view) {
  const [target] = event.getTargetRanges();
  const selection = view.root.getSelection ? view.root.getSelection() : document.getSelection();
  let ends = null;
  if (target) ends = [target.startContainer, target.startOffset, target.endContainer, target.endOffset];
  else if (selection && selection.anchorNode && view.contentDOM.contains(selection.anchorNode)) {
    ends = [selection.anchorNode, selection.anchorOffset, selection.focusNode, selection.focusOffset];
  }
  let from;
  let to;
  if (ends) {
    const a = view.posAtDOM(ends[0], ends[1]);
    const b = view.posAtDOM(ends[2], ends[3]);
    [from, to] = [Math.min(a, b), Math.max(a, b)];
  } else {
    ({ from, to } = view.state.selection.main);
  }
  return from === to ? null : { from, to };
}

/** Where the engine's 1-based line and column fall in the document, as a range to mark. */
export function rangeAt(doc, line, column) {
  const at = doc.line(Math.min(Math.max(line, 1), doc.lines));
  const from = Math.min(at.from + Math.max(column - 1, 0), at.to);
  if (from < at.to) return { from, to: from + 1 };
  if (at.from < at.to) return { from: at.to - 1, to: at.to }; // past the end: its last character
  return { from, to: from };
}

/**
 * Make the editor in `host` (its text is the initial query). `run` is called on
 * Ctrl/Cmd-Enter, `vocabulary` is a promise of /api/vocabulary's answer.
 */
export function makeEditor(host, text, run, vocabulary) {
  const root = host.attachShadow({ mode: "open" });
  let complete = null;
  vocabulary.then((v) => { complete = completions(v); });
  const language = StreamLanguage.define(sparql);
  const view = new EditorView({
    root,
    parent: root,
    state: EditorState.create({
      doc: text,
      extensions: [
        keymap.of([{ key: "Mod-Enter", run: () => { run(); return true; } }]),
        basicSetup,
        language,
        lintGutter(),
        overSelection,
        autocompletion({ override: [(context) => (complete ? complete(context) : null)] }),
        EditorView.updateListener.of((update) => {
          // An edit makes the engine's mark stale; clear it once this update is done.
          if (update.docChanged && "errorLine" in host.dataset) queueMicrotask(() => showError(null));
        }),
        EditorView.theme({
          "&": { fontSize: "0.9rem", border: "1px solid #bbb", minHeight: "14rem" },
          ".cm-scroller": { fontFamily: "ui-monospace, monospace", minHeight: "14rem" },
        }),
      ],
    }),
  });

  /** Mark the engine's error (line, column, message) in the text; null clears the mark. */
  function showError(error) {
    if (!error) {
      delete host.dataset.errorLine;
      delete host.dataset.errorColumn;
      view.dispatch(setDiagnostics(view.state, []));
      return;
    }
    host.dataset.errorLine = error.line;
    host.dataset.errorColumn = error.column;
    const { from, to } = rangeAt(view.state.doc, error.line, error.column);
    view.dispatch(setDiagnostics(view.state, [{ from, to, severity: "error", message: error.message }]));
  }

  return {
    view,
    get text() { return view.state.doc.toString(); },
    set text(value) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    },
    showError,
  };
}
