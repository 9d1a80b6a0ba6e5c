import {
  history,
  historyKeymap,
  indentWithTab,
  standardKeymap,
  toggleComment,
} from '@codemirror/commands';
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
import { paletteTheme, sandboxHighlight } from './editor-highlight';
import { shikiTypescript } from './editor-tokens';

export interface CodeEditor {
  readonly view: EditorView;
  getText(): string;
  setText(text: string): void;
  focus(): void;
}

/**
 * A CodeMirror 6 editor for one sandbox file: TypeScript highlighted in the page's code colours
 * (light and dark follow the site's theme), line numbers, undo, and Mod-Enter to run.
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
        // The same colours as the highlighted code before the editor opened (editor-highlight.ts).
        syntaxHighlighting(sandboxHighlight),
        paletteTheme,
        // A stream tokenizer: a tenth of the size of the full TypeScript grammar, its tokens renamed
        // as the highlighted code's (editor-tokens.ts).
        StreamLanguage.define(shikiTypescript),
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
