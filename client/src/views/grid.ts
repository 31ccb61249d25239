// A virtualized spreadsheet: only the rows in sight (plus a margin) exist in the DOM, so
// 100,000 rows scroll as smoothly as 100. Rows are a fixed height; sorting reorders a
// permutation of row indices, never the data.
import { h } from '../dom.ts';
import { sortOrder, type SortDir } from '../sort.ts';
import type { Dataset } from '../types.ts';
import { formatValue } from '../values.ts';

const ROW_H = 28;
const OVERSCAN = 10;

/** A spreadsheet of `ds`; `onOpenVariable` is called when a column's name is activated. */
export function createGrid(ds: Dataset, onOpenVariable: (name: string) => void): HTMLElement {
  const n = ds.variables[0]?.values.length ?? 0;
  let order: Uint32Array | null = null;
  let sort: { col: number; dir: SortDir } | null = null;
  const scroller = h('div', {
    class: 'grid',
    tabIndex: 0,
    role: 'grid',
    'aria-rowcount': n + 1,
    'aria-label': `Data of ${ds.name}`,
  });
  const headCells = ds.variables.map((v, j) => {
    const sortBtn = h(
      'button',
      { type: 'button', class: 'sort', 'aria-label': `Sort by ${v.name}`, title: 'Sort' },
      '↕',
    );
    sortBtn.addEventListener('click', () => toggleSort(j));
    return h(
      'div',
      { class: `cell head t-${v.variableType}`, role: 'columnheader', 'aria-sort': 'none' },
      h(
        'button',
        {
          type: 'button',
          class: 'link var-name',
          title: `Open ${v.name}`,
          on: { click: () => onOpenVariable(v.name) },
        },
        v.name,
      ),
      h('span', { class: 'badge' }, v.variableType.slice(0, 3)),
      sortBtn,
    );
  });
  const header = h(
    'div',
    { class: 'row header', role: 'row' },
    h('div', { class: 'cell rownum head' }, '#'),
    headCells,
  );
  const spacer = h('div', { class: 'spacer' });
  spacer.style.height = `${n * ROW_H}px`;
  const rows = h('div', { class: 'rows', role: 'rowgroup' });
  spacer.appendChild(rows);
  scroller.append(header, spacer);
  const width = `${64 + ds.variables.length * 128}px`;
  header.style.width = width;
  spacer.style.width = width;

  const pool: HTMLElement[][] = [];
  const rowEls: HTMLElement[] = [];
  let first = -1;
  let count = 0;

  const render = (force = false): void => {
    const visible = Math.ceil((scroller.clientHeight || 600) / ROW_H) + 2 * OVERSCAN;
    const start = Math.max(0, Math.floor(scroller.scrollTop / ROW_H) - OVERSCAN);
    const want = Math.min(visible, n - start);
    if (!force && start === first && want === count) return;
    first = start;
    count = want;
    while (rowEls.length < want) {
      const cells = [
        h('div', { class: 'cell rownum' }),
        ...ds.variables.map((v) =>
          h('div', { class: `cell t-${v.variableType}`, role: 'gridcell' }),
        ),
      ];
      pool.push(cells);
      const row = h('div', { class: 'row', role: 'row' }, cells);
      rowEls.push(row);
      rows.appendChild(row);
    }
    rowEls.forEach((r, k) => (r.hidden = k >= want));
    rows.style.transform = `translateY(${start * ROW_H}px)`;
    for (let k = 0; k < want; k++) {
      const i = order === null ? start + k : (order[start + k] ?? 0);
      const cells = pool[k] ?? [];
      const rn = cells[0];
      if (rn) rn.textContent = String(i + 1);
      ds.variables.forEach((v, j) => {
        const c = cells[j + 1];
        if (c) c.textContent = formatValue(v, v.values[i]);
      });
      rowEls[k]?.setAttribute('aria-rowindex', String(start + k + 2));
    }
  };

  const toggleSort = (j: number): void => {
    const v = ds.variables[j];
    if (v === undefined) return;
    const dir: SortDir = sort?.col === j && sort.dir === 'asc' ? 'desc' : 'asc';
    sort = { col: j, dir };
    order = sortOrder(v, dir);
    headCells.forEach((c, k) => {
      c.setAttribute('aria-sort', k === j ? (dir === 'asc' ? 'ascending' : 'descending') : 'none');
      const b = c.querySelector('.sort');
      if (b) b.textContent = k === j ? (dir === 'asc' ? '↑' : '↓') : '↕';
    });
    render(true);
  };

  let frame = 0;
  scroller.addEventListener('scroll', () => {
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      render();
    });
  });
  new ResizeObserver(() => render()).observe(scroller);
  requestAnimationFrame(() => render(true));
  return scroller;
}
