/**
 * `analysis.R` of the workspace export: reads each dataset's CSV once, gives the analyst a
 * typed copy (levels as the workspace holds them, through the same set-up lines as r_code:
 * converters/r-code.ts), then runs every result's `r_code` in workspace order, each headed
 * by the result's label. Each r_code starts from the data frame as `read.csv` gives it
 * (docs/api.md), so its dataset is reset to the CSV's frame before it. A result whose
 * dataset is no longer in the workspace keeps its code, commented out.
 */
import { rCodeContext, rQuote, rSymbol } from '../../converters/index.ts';
import { resultOf, titleOf, type WorkspaceContent } from './outputs.ts';

/** A comment line: any text, on one line. */
function comment(text: string): string {
  return `# ${text.replace(/[\r\n\u2028\u2029]+/g, ' ')}`;
}

function header(w: WorkspaceContent, when: Date): string[] {
  return [
    comment(`PanthR workspace "${w.name}", exported ${when.toISOString()}`),
    '# Run it in this folder: Rscript analysis.R',
    '',
    '# The datasets as read.csv reads them; every result below starts from these.',
    '.panthr_csv <- list()',
    ...w.datasets.map(
      (d) => `.panthr_csv[[${rQuote(d.name)}]] <- read.csv(${rQuote(`${d.name}.csv`)})`,
    ),
  ];
}

/** The typed copy of each dataset: every variable's missing values and levels. */
function levelBlocks(w: WorkspaceContent): string[] {
  const out: string[] = [];
  for (const d of w.datasets) {
    const ctx = rCodeContext({ dataset: d, variables: d.variables.map((v) => v.name) });
    out.push('', comment(`${d.name}: levels as the workspace holds them`));
    out.push(`${ctx.data} <- .panthr_csv[[${rQuote(d.name)}]]`, ...ctx.setup);
  }
  return out;
}

function outputBlock(
  o: WorkspaceContent['outputs'][number],
  datasets: ReadonlySet<string>,
): string[] {
  const code = resultOf(o)['r_code'];
  if (typeof code !== 'string') return [];
  const title = titleOf(o);
  const lines = ['', comment(`---- ${title} (${o.name}) ----`)];
  const dataset = o['dataset'];
  if (typeof dataset === 'string' && !datasets.has(dataset)) {
    lines.push(comment(`the dataset "${dataset}" is no longer in the workspace`));
    return [...lines, ...code.split('\n').map((l) => `# ${l}`)];
  }
  if (typeof dataset === 'string')
    lines.push(`${rSymbol(dataset)} <- .panthr_csv[[${rQuote(dataset)}]]`);
  return [...lines, code];
}

/** The text of `analysis.R` for `w` (see the module comment). */
export function analysisR(w: WorkspaceContent, when = new Date()): string {
  const datasets = new Set(w.datasets.map((d) => d.name));
  const lines = [...header(w, when), ...levelBlocks(w)];
  for (const o of w.outputs) lines.push(...outputBlock(o, datasets));
  return `${lines.join('\n')}\n`;
}
