import {
  history,
  historyKeymap,
  indentWithTab,
  standardKeymap,
  toggleComment,
} from '@codemirror/commands';
import { typescript } from '@codemirror/legacy-modes/mode/javascript';
import {
  bracketMatching,
  indentOnInput,
  StreamLanguage,
  syntaxHighlighting,
} from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { classHighlighter, tagHighlighter, tags } from '@lezer/highlight';

/** Function names get a class too, so they take the same colour as in the highlighted code. */
const functionHighlighter = tagHighlighter([
  { tag: tags.function(tags.variableName), class: 'tok-fn' },
  { tag: tags.function(tags.propertyName), class: 'tok-fn' },
]);

export interface CodeEditor {
  readonly view: EditorView;
  getText(): string;
  setText(text: string): void;
  focus(): void;
}

/**
 * A CodeMirror 6 editor for one sandbox file: TypeScript highlighting through CSS classes (so the
 * site's light and dark themes style it), line numbers, undo, and Mod-Enter to run.
 * Tab indents; Escape then Tab leaves the editor (CodeMirror's tab-focus mode).
 *
 * @example
 * const editor = createEditor(panel, source, { label: 'Edit client.ts', onChange: save, onRun: run });
 */
export function createEditor(
  parent: HTMLElement,
  text: string,
  options: { label: string; describedBy?: string; onChange(text: string): void; onRun(): void },
): CodeEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        syntaxHighlighting(classHighlighter),
        syntaxHighlighting(functionHighlighter),
        // A stream tokenizer: a tenth of the size of the full TypeScript grammar, enough to colour code.
        StreamLanguage.define(typescript),
        EditorState.tabSize.of(2),
        // Wraps like the highlighted code it replaces, so switching to the editor moves nothing.
        EditorView.lineWrapping,
        keymap.of([
          { key: 'Mod-Enter', run: () => (options.onRun(), true) },
          // The standard keys plus comment toggling; the rest of defaultKeymap is rarely missed here.
          ...standardKeymap,
          { key: 'Mod-/', run: toggleComment },
          ...historyKeymap,
          indentWithTab,
        ]),
        EditorView.contentAttributes.of({
          'aria-label': options.label,
          ...(options.describedBy ? { 'aria-describedby': options.describedBy } : {}),
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    getText: () => view.state.doc.toString(),
    setText: (next) =>
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } }),
    focus: () => view.focus(),
  };
}
