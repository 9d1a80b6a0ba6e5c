/** File name of the sandbox runner under the site's base, set at build time by scripts/sandbox-runner.mjs. */
declare const __SANDBOX_RUNNER_FILE__: string;
