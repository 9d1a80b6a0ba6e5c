/**
 * The in-page transpiler as its own script, loaded only when a Run includes an edited file: the
 * page fetches it and the worker evaluates it, which defines `bcpTranspile` for the runtime.
 */
import { transpile } from './transpile';

(globalThis as { bcpTranspile?: typeof transpile }).bcpTranspile = transpile;
