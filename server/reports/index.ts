/**
 * reports/: a workspace's outputs as downloadable files (HTML and Word reports, the R
 * script that reproduces them, datasets as CSV, a zip of it all). Pure functions of the
 * stored objects; the only way into server/reports/.
 */
export { analysisR } from './analysis-r.ts';
export { datasetCsv } from './csv-export.ts';
export { workspaceContent, type WorkspaceContent } from './outputs.ts';
export { reportDocx } from './report-docx.ts';
export { reportHtml } from './report-html.ts';
export { zip, type ZipEntry } from './zip.ts';
