// A virtualized spreadsheet: only the rows in sight (plus a margin) exist in the DOM, so
// 100,000 rows scroll as smoothly as 100. Rows are a fixed height; sorting reorders a
// permutation of row indices, never the data. A cell is chosen by a click or the arrow
// keys; double-click, Enter, F2 or typing edits it (grid-edit.ts). The place (scroll, sort,
// chosen cell) lives in a `GridState` the view keeps, so a grid built again for the
// changed dataset (after an edit) is where the old one was.
import { h } from '../dom.ts';
import { sortOrder, type SortDir } from '../sort.ts';
import type { Cell, Dataset } from '../types.ts';
import { formatCell, formatValue, isMissing } from '../values.ts';
import { openCellEditor } from './grid-edit.ts';
import { typeWord } from '../var-setup.ts';

const ROW_H = 28;
const OVERSCAN = 10;
const ROWNUM_W = 64;
const COL_W = 152; // styles.css: `.grid .cell` width

/** Where a grid is: kept by the view across grids of the same dataset. */
export interface GridState {
  scrollTop: number;
  scrollLeft: number;
  sort: { col: number; dir: SortDir } | null;
  /** The chosen cell: its position in the shown order and its column. */
  cur: { pos: number; col: number } | null;
  focused: boolean;
}

/** A fresh state: top left, unsorted, nothing chosen. */
export function newGridState(): GridState {
  return { scrollTop: 0, scrollLeft: 0, sort: null, cur: null, focused: false };
}

/** What a grid calls back. `onEdit` gets the 1-based row; without it cells are read-only. */
export interface GridHandlers {
  onOpenVariable: (name: string) => void;
  onEdit?: (row: number, variable: string, value: Cell) => Promise<string | null>;
}

/** A spreadsheet of `ds` starting from `state` (which it keeps up to date). */
export function createGrid(
  ds: Dataset,
  handlers: GridHandlers,
  state = newGridState(),
): HTMLElement {
  const n = ds.variables[0]?.values.length ?? 0;
  const cols = ds.variables.length;
  let order = initialOrder(ds, state);
  const scroller = h('div', {
    class: 'grid',
    tabIndex: 0,
    role: 'grid',
    'aria-rowcount': n + 1,
    'aria-label': `Data of ${ds.name}. Arrow keys choose a cell, Enter edits it.`,
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
          on: { click: () => handlers.onOpenVariable(v.name) },
        },
        v.name,
      ),
      h('span', { class: 'badge' }, typeWord(v.variableType).slice(0, 3)),
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
  const width = `${ROWNUM_W + cols * COL_W}px`;
  header.style.width = width;
  spacer.style.width = width;

  const pool: HTMLElement[][] = [];
  const rowEls: HTMLElement[] = [];
  let first = -1;
  let count = 0;
  let editing = false;
  const rowAt = (pos: number): number => (order === null ? pos : (order[pos] ?? 0));

  const render = (force = false): void => {
    const visible = Math.ceil((scroller.clientHeight || 600) / ROW_H) + 2 * OVERSCAN;
    const start = Math.max(0, Math.floor(scroller.scrollTop / ROW_H) - OVERSCAN);
    const want = Math.min(visible, n - start);
    if (!force && start === first && want === count) return;
    first = start;
    count = want;
    while (rowEls.length < want) {
      const k = rowEls.length;
      const cells = [
        h('div', { class: 'cell rownum' }),
        ...ds.variables.map((v, j) => {
          const c = h('div', { class: `cell t-${v.variableType}`, role: 'gridcell' });
          c.addEventListener('click', () => choose(first + k, j));
          c.addEventListener('dblclick', () => edit(first + k, j));
          return c;
        }),
      ];
      pool.push(cells);
      const row = h('div', { class: 'row', role: 'row' }, cells);
      rowEls.push(row);
      rows.appendChild(row);
    }
    rowEls.forEach((r, k) => (r.hidden = k >= want));
    rows.style.transform = `translateY(${start * ROW_H}px)`;
    for (let k = 0; k < want; k++) {
      const i = rowAt(start + k);
      const cells = pool[k] ?? [];
      const rn = cells[0];
      if (rn) rn.textContent = String(i + 1);
      ds.variables.forEach((v, j) => {
        const c = cells[j + 1];
        if (c === undefined) return;
        // A missing value is blank; a missing-value code (-99) shows as itself, greyed.
        const x = v.values[i];
        const code = x !== null && x !== undefined && isMissing(v, x);
        c.textContent = code ? formatCell(x) : formatValue(v, x);
        c.classList.toggle('missing-code', code);
        const chosen = state.cur?.pos === start + k && state.cur.col === j;
        c.classList.toggle('current', chosen);
        c.setAttribute('aria-selected', chosen ? 'true' : 'false');
      });
      rowEls[k]?.setAttribute('aria-rowindex', String(start + k + 2));
    }
  };

  /** Scrolls so that the cell at (pos, col) is in sight. */
  const reveal = (pos: number, col: number): void => {
    const top = pos * ROW_H;
    const bottom = top + ROW_H + header.offsetHeight;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (bottom > scroller.scrollTop + scroller.clientHeight)
      scroller.scrollTop = bottom - scroller.clientHeight;
    const left = ROWNUM_W + col * COL_W;
    if (left - ROWNUM_W < scroller.scrollLeft) scroller.scrollLeft = left - ROWNUM_W;
    else if (left + COL_W > scroller.scrollLeft + scroller.clientWidth)
      scroller.scrollLeft = left + COL_W - scroller.clientWidth;
  };

  const choose = (pos: number, col: number): void => {
    if (n === 0 || cols === 0) return;
    state.cur = {
      pos: Math.min(Math.max(pos, 0), n - 1),
      col: Math.min(Math.max(col, 0), cols - 1),
    };
    reveal(state.cur.pos, state.cur.col);
    render(true);
  };

  const edit = (pos: number, col: number, initial?: string): void => {
    const v = ds.variables[col];
    const onEdit = handlers.onEdit;
    if (editing || v === undefined || onEdit === undefined) return;
    choose(pos, col);
    editing = true;
    const row = rowAt(pos);
    openCellEditor(
      spacer,
      { top: pos * ROW_H, left: ROWNUM_W + col * COL_W },
      v,
      v.values[row],
      (value) => onEdit(row + 1, v.name, value),
      (moved) => {
        editing = false;
        if (moved && state.cur) state.cur = { ...state.cur, pos: Math.min(pos + 1, n - 1) };
        // The grid may have been built again for the edited dataset: focus whichever is shown.
        const shown = scroller.isConnected
          ? scroller
          : document.querySelector<HTMLElement>('.grid');
        shown?.focus();
        if (scroller.isConnected) render(true);
      },
      initial,
    );
  };

  const toggleSort = (j: number): void => {
    const v = ds.variables[j];
    if (v === undefined) return;
    const dir: SortDir = state.sort?.col === j && state.sort.dir === 'asc' ? 'desc' : 'asc';
    state.sort = { col: j, dir };
    order = sortOrder(v, dir);
    showSort();
    render(true);
  };
  const showSort = (): void => {
    const s = state.sort;
    headCells.forEach((c, k) => {
      const on = s?.col === k;
      c.setAttribute('aria-sort', on ? (s.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      const b = c.querySelector('.sort');
      if (b) b.textContent = on ? (s.dir === 'asc' ? '↑' : '↓') : '↕';
    });
  };

  scroller.addEventListener('keydown', (e) => onKey(e));
  const MOVES: Record<string, [number, number]> = {
    ArrowUp: [-1, 0],
    ArrowDown: [1, 0],
    ArrowLeft: [0, -1],
    ArrowRight: [0, 1],
    Tab: [0, 1],
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.target !== scroller || e.ctrlKey || e.metaKey || e.altKey) return;
    const cur = state.cur;
    const move = MOVES[e.key];
    if (move !== undefined && e.key !== 'Tab' && cur !== null) {
      e.preventDefault();
      choose(cur.pos + move[0], cur.col + move[1]);
    } else if ((e.key === 'Enter' || e.key === 'F2') && n > 0) {
      e.preventDefault();
      if (cur === null) choose(Math.floor(scroller.scrollTop / ROW_H), 0);
      else edit(cur.pos, cur.col);
    } else if (e.key === 'Escape' && cur !== null) {
      state.cur = null;
      render(true);
    } else if (e.key.length === 1 && cur !== null && handlers.onEdit !== undefined) {
      e.preventDefault();
      edit(cur.pos, cur.col, e.key);
    }
  };
  scroller.addEventListener('focus', () => (state.focused = true));
  scroller.addEventListener('blur', () => (state.focused = false));

  let frame = 0;
  scroller.addEventListener('scroll', () => {
    state.scrollTop = scroller.scrollTop;
    state.scrollLeft = scroller.scrollLeft;
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      render();
    });
  });
  new ResizeObserver(() => render()).observe(scroller);
  showSort();
  requestAnimationFrame(() => {
    scroller.scrollTop = state.scrollTop;
    scroller.scrollLeft = state.scrollLeft;
    render(true);
    if (state.focused && scroller.isConnected) scroller.focus();
  });
  return scroller;
}

/** The row order a kept sort gives on `ds` (null: the data's own order). */
function initialOrder(ds: Dataset, state: GridState): Uint32Array | null {
  const v = state.sort ? ds.variables[state.sort.col] : undefined;
  return v === undefined || state.sort === null ? null : sortOrder(v, state.sort.dir);
}
