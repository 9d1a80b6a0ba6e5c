/**
 * The sub-path the e2e tests serve the site under. `npm run build:e2e` builds with
 * `SITE_BASE` set to this value, so every e2e run also proves the site works under a sub-path.
 */
export const E2E_BASE = '/bcp/';
