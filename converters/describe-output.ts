/**
 * What an output was computed from, in words, as the browser's card and the reports say it:
 * "t.test of score, group in scores, all rows", "descriptives of len by supp in tg, filter
 * adults". Free of zod and Node (the browser bundle takes it).
 */

/**
 * The words for `o` (a report, test or graph request); null for an object that names no
 * analysis kind and dataset.
 */
export function describeOutput(o: Readonly<Record<string, unknown>>): string | null {
  const kind = [o['reportType'], o['test'], o['graphType']].find((x) => typeof x === 'string');
  const dataset = o['dataset'];
  if (typeof kind !== 'string' || typeof dataset !== 'string') return null;
  const variables = Array.isArray(o['variables']) ? o['variables'].map(String).join(', ') : '';
  const by = typeof o['by'] === 'string' ? ` by ${o['by']}` : '';
  // The filter is part of what was computed: a result without one says so too.
  const rows = typeof o['filter'] === 'string' ? `filter ${o['filter']}` : 'all rows';
  return `${kind}${variables === '' ? '' : ` of ${variables}`}${by} in ${dataset}, ${rows}`;
}
