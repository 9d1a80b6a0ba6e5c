/** File name of the sandbox runner under the site's base, set at build time by scripts/sandbox-runner.mjs. */
declare const __SANDBOX_RUNNER_FILE__: string;
/** `_sandbox/transpiler-<hash>.js`: the in-page transpiler, fetched only for edited code. */
declare const __SANDBOX_TRANSPILER_FILE__: string;
/** Pagefind's UI itself, which src/components/pagefind-ui-on-intent.ts loads on intent. */
declare module '@pagefind/default-ui/npm_dist/mjs/ui-core.mjs' {
  export const PagefindUI: new (options: Record<string, unknown>) => object;
}
