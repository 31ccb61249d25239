// The variable setup panel (API 1.1): the type, the levels' order (drag a level, or its
// up/down buttons) and names, the missing-value codes, and deleting the variable. Each
// change is one request (`settype`, `levels`, `delete` by sending the dataset again);
// the panel then shows the variable as the server now holds it. Keyboard: every control is
// a button, select or field; the focus stays on the control used after the panel is
// redrawn.
import type { App } from '../app.ts';
import { deleteVariable, sendLevels, sendSettype } from '../data-actions.ts';
import { field, h, openDialog, replace, toast } from '../dom.ts';
import type { Vector } from '../types.ts';
import {
  decimalMarkOf,
  hasLevels,
  levelList,
  missingText,
  moveLevel,
  parseMissing,
  renames,
  TYPE_CHOICES,
  typeWord,
} from '../var-setup.ts';
import { confirmDialog } from './confirm.dialog.ts';

interface Ctx {
  app: App;
  ds: string;
  name: string;
  status: HTMLElement;
  /** Runs a change, shows its outcome, redraws, and focuses `focusKey` again. */
  change(run: () => Promise<string | null>, done: string, focusKey: string): void;
}

function typeSection(c: Ctx, v: Vector): HTMLElement {
  const sel = h(
    'select',
    { name: 'variableType', 'data-focus': 'type' },
    TYPE_CHOICES.map((t) =>
      h('option', { value: t.type, selected: t.type === v.variableType }, t.label),
    ),
  );
  const f = field('Type', sel, `Now ${typeWord(v.variableType)}.`);
  const apply = h('button', { type: 'button', 'data-focus': 'type-apply' }, 'Change type');
  apply.addEventListener('click', () => {
    const t = TYPE_CHOICES.find((x) => x.type === sel.value)?.type;
    if (t === undefined || t === v.variableType) return;
    // Levels such as "1,5" (a CSV read with the wrong decimal mark) become 1.5.
    const decimal = t === 'scalar' ? decimalMarkOf(v) : '.';
    const how = decimal === ',' ? ' (read with a decimal comma)' : '';
    c.change(
      () => sendSettype(c.app, c.ds, c.name, t, undefined, decimal),
      `${c.name} is now ${t}${how}.`,
      'type',
    );
  });
  return h('div', { class: 'setup-row' }, f.row, apply);
}

function levelItem(c: Ctx, levels: string[], i: number): HTMLElement {
  const l = levels[i] ?? '';
  const last = levels.length - 1;
  // The focus follows the moved level: its button in the same direction while it can move on.
  const reorder = (to: number): void => {
    const up = to < i;
    const key = up ? (to > 0 ? `up-${to}` : `down-${to}`) : to < last ? `down-${to}` : `up-${to}`;
    c.change(
      () => sendLevels(c.app, c.ds, c.name, { labels: moveLevel(levels, i, to) }),
      `Levels of ${c.name}: ${moveLevel(levels, i, to).join(', ')}.`,
      key,
    );
  };
  const input = h('input', {
    type: 'text',
    value: l,
    'aria-label': `Name of level ${i + 1} (${l})`,
    'data-focus': `name-${i}`,
    spellcheck: false,
  });
  const rename = (): void => {
    if (input.value === l) return;
    const r = renames([l], [input.value]);
    if (!r.ok) return void (c.status.textContent = r.message);
    if (levels.includes(input.value.trim()))
      return void (c.status.textContent = `"${input.value.trim()}" is already a level: choose another name.`);
    c.change(
      () => sendLevels(c.app, c.ds, c.name, { rename: r.rename }),
      `Level "${l}" is now "${input.value.trim()}".`,
      `name-${i}`,
    );
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      rename();
    }
  });
  input.addEventListener('change', rename);
  const up = h(
    'button',
    {
      type: 'button',
      class: 'small',
      disabled: i === 0,
      'aria-label': `Move ${l} up`,
      'data-focus': `up-${i}`,
    },
    '↑',
  );
  const down = h(
    'button',
    {
      type: 'button',
      class: 'small',
      disabled: i === last,
      'aria-label': `Move ${l} down`,
      'data-focus': `down-${i}`,
    },
    '↓',
  );
  up.addEventListener('click', () => reorder(i - 1));
  down.addEventListener('click', () => reorder(i + 1));
  const li = h(
    'li',
    { class: 'level', draggable: true, 'data-index': String(i) },
    h('span', { class: 'grip', 'aria-hidden': 'true', title: 'Drag to reorder' }, '⋮⋮'),
    input,
    up,
    down,
  );
  li.addEventListener('dragstart', (e) => {
    e.dataTransfer?.setData('text/x-level', String(i));
    li.classList.add('dragging');
  });
  li.addEventListener('dragend', () => li.classList.remove('dragging'));
  li.addEventListener('dragover', (e) => {
    e.preventDefault();
    li.classList.add('drop-here');
  });
  li.addEventListener('dragleave', () => li.classList.remove('drop-here'));
  li.addEventListener('drop', (e) => {
    e.preventDefault();
    li.classList.remove('drop-here');
    const from = Number(e.dataTransfer?.getData('text/x-level'));
    if (!Number.isInteger(from) || from === i) return;
    const next = moveLevel(levels, from, i);
    c.change(
      () => sendLevels(c.app, c.ds, c.name, { labels: next }),
      `Levels of ${c.name}: ${next.join(', ')}.`,
      `name-${i}`,
    );
  });
  return li;
}

function levelsSection(c: Ctx, v: Vector): HTMLElement | null {
  if (!hasLevels(v.variableType)) return null;
  const levels = levelList(v);
  return h(
    'fieldset',
    { class: 'setup-levels' },
    h('legend', {}, `Levels (${levels.length}), in order`),
    h(
      'p',
      { class: 'hint' },
      'The first level is the reference: a t-test compares the first with the second. Drag a level or use ↑ ↓ to reorder; edit a name and press Enter to rename.',
    ),
    levels.length > 200
      ? h('p', { class: 'hint' }, 'Too many levels to arrange here.')
      : h(
          'ol',
          { class: 'levels' },
          levels.map((_, i) => levelItem(c, levels, i)),
        ),
  );
}

function missingSection(c: Ctx, v: Vector): HTMLElement {
  const input = h('input', {
    type: 'text',
    name: 'missing',
    value: missingText(v),
    spellcheck: false,
    autocomplete: 'off',
    'data-focus': 'missing',
  });
  const f = field(
    'Missing-value codes',
    input,
    'Values that stand for "missing", separated by commas (e.g. -99, 999). Empty: none.',
  );
  const apply = (): void => {
    const p = parseMissing(v, input.value);
    if (!p.ok) return void (f.error.textContent = p.message);
    f.error.textContent = '';
    c.change(
      () => sendSettype(c.app, c.ds, c.name, v.variableType, p.codes),
      p.codes.length
        ? `Missing codes of ${c.name}: ${p.codes.join(', ')}.`
        : `${c.name} has no missing codes now.`,
      'missing',
    );
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      apply();
    }
  });
  const btn = h('button', { type: 'button', 'data-focus': 'missing-apply' }, 'Set missing codes');
  btn.addEventListener('click', apply);
  return h('div', { class: 'setup-row' }, f.row, btn);
}

/** Opens the setup panel of variable `name` of dataset `ds`. */
export function openVariableSetup(app: App, ds: string, name: string): void {
  const body = h('div', { class: 'variable-setup' });
  const status = h('p', { class: 'hint setup-status', role: 'status', 'aria-live': 'polite' });
  const { dialog, close } = openDialog(`Set up ${name}`, body);
  let busy = false;
  const draw = (focusKey?: string): void => {
    const v = app.model.dataset(ds)?.variables.find((x) => x.name === name);
    if (v === undefined) return close();
    const del = h('button', { type: 'button', class: 'danger-outline' }, 'Delete variable…');
    del.addEventListener('click', () => void remove());
    replace(
      body,
      typeSection(c, v),
      levelsSection(c, v),
      missingSection(c, v),
      status,
      h(
        'div',
        { class: 'actions' },
        del,
        h('button', { type: 'button', on: { click: close } }, 'Done'),
      ),
    );
    if (focusKey !== undefined)
      body.querySelector<HTMLElement>(`[data-focus="${focusKey}"]`)?.focus();
  };
  const c: Ctx = {
    app,
    ds,
    name,
    status,
    change: (run, done, focusKey) => {
      if (busy) return;
      busy = true;
      status.textContent = 'Saving…';
      run()
        .then((err) => {
          draw(focusKey);
          status.textContent = err === null ? done : `${err}. Nothing was changed.`;
          if (err !== null) status.classList.add('error');
          else status.classList.remove('error');
        })
        .catch((e: unknown) => (status.textContent = String(e)))
        .finally(() => (busy = false));
    },
  };
  const remove = async (): Promise<void> => {
    const d = app.model.dataset(ds);
    if (d === undefined) return;
    const ok = await confirmDialog(
      'Delete variable',
      `Delete the variable "${name}" from "${ds}"?`,
      'Results that use it will say they cannot be computed again. Ctrl+Z brings it back.',
      'Delete variable',
    );
    if (!ok) return;
    const err = await deleteVariable(app, d, name);
    if (err !== null) return void (status.textContent = `${err}. Nothing was changed.`);
    close();
    toast(`Deleted ${name}. Press Ctrl+Z to undo.`);
    app.navigate({ view: 'dataset', dataset: ds });
  };
  dialog.classList.add('setup');
  draw('type');
}
