/**
 * The paradigm grid's measured results, read at build time: Vite inlines the JSON that
 * `scripts/paradigm-grid/run-grid.mjs` writes into the page's bundle (no fetch, no copy step).
 * The file lies outside the app's root (apps/demo), which a build reads like any other module;
 * the dev server serves it too, since its `server.fs.allow` defaults to the workspace root
 * (/work/main, found through pnpm-workspace.yaml). The annotation makes `tsc` check that the
 * file has the shape the page reads: a rerun in another format fails the typecheck, not the page.
 */
import report from '../../../../scripts/paradigm-grid/results/paradigm-grid.json';
import type { ParadigmGridReport } from './paradigm-grid-results';

/** The grid's JSON (`scripts/paradigm-grid/results/paradigm-grid.json`). */
export const paradigmGridReport: ParadigmGridReport = report;
