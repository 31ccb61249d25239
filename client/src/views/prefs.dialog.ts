// Preference sets: create, rename, delete, switch, and edit the graph settings with a live
// preview drawn in the browser. Every change is saved at once.
import { messageOf } from '../api.ts';
import type { App } from '../app.ts';
import { field, h, openDialog, replace, toast } from '../dom.ts';
import { checkName } from '../names.ts';
import { FONT_FAMILIES, LINE_STYLES, POINT_SYMBOLS, type GraphSettings } from '../settings.ts';
import { previewSvg } from './pref-preview.ts';

function editor(app: App, preview: HTMLElement): HTMLElement {
  const s = app.prefs.settings;
  const change = (mut: (n: GraphSettings) => void): void => {
    const next = structuredClone(app.prefs.settings);
    mut(next);
    app.prefs.update(next);
    replace(preview, previewSvg(next));
  };
  const color = (value: string, set: (n: GraphSettings, v: string) => void): HTMLInputElement => {
    const el = h('input', { type: 'color', value });
    el.addEventListener('input', () => change((n) => set(n, el.value)));
    return el;
  };
  /** A number field that says when a value is out of range, and keeps the last good one. */
  const num = (
    label: string,
    value: number,
    range: { min: number; max: number; step: number },
    set: (n: GraphSettings, v: number) => void,
    hint?: string,
  ): HTMLElement => {
    const { min, max, step } = range;
    const el = h('input', {
      type: 'number',
      value: String(value),
      min: String(min),
      max: String(max),
      step: String(step),
    });
    const f = field(label, el, hint);
    // The value before this edit began: kept when the edit ends out of range. Values in
    // range apply as they are typed (the preview follows), "5" on the way to "50" too.
    let kept = value;
    let applied = value;
    const valid = (): boolean => {
      const v = Number(el.value);
      return (
        !el.validity.badInput &&
        el.value.trim() !== '' &&
        Number.isFinite(v) &&
        v >= min &&
        v <= max
      );
    };
    const say = (text: string): void => {
      // Set only when it changes: the error is an alert, read out at each change.
      if (f.error.textContent !== text) f.error.textContent = text;
    };
    const apply = (v: number): void => {
      if (v === applied) return;
      applied = v;
      change((n) => set(n, v));
    };
    el.addEventListener('input', () => {
      const ok = valid();
      el.setAttribute('aria-invalid', String(!ok));
      say(ok ? '' : `Enter a number from ${min} to ${max}; if you leave it so, ${kept} is kept.`);
      if (ok) apply(Number(el.value));
    });
    el.addEventListener('change', () => {
      if (valid()) {
        kept = Number(el.value);
        return;
      }
      const typed = el.validity.badInput ? 'That' : el.value.trim() || 'An empty value';
      el.value = String(kept);
      el.setAttribute('aria-invalid', 'false');
      apply(kept);
      say(`${typed} is not a number from ${min} to ${max}: ${kept} was kept.`);
    });
    return f.row;
  };
  const select = <T extends string>(
    value: T,
    list: readonly T[],
    set: (n: GraphSettings, v: T) => void,
  ): HTMLSelectElement => {
    const el = h(
      'select',
      {},
      list.map((c) => h('option', { value: c, selected: c === value }, c)),
    );
    el.addEventListener('change', () => change((n) => set(n, el.value as T)));
    return el;
  };
  const symbol = h(
    'select',
    {},
    POINT_SYMBOLS.map((p) =>
      h('option', { value: String(p.pch), selected: p.pch === s.point.symbol }, p.label),
    ),
  );
  symbol.addEventListener('change', () => change((n) => (n.point.symbol = Number(symbol.value))));
  const relative = '1 is R’s default.';
  const R10 = { min: 0.1, max: 10, step: 0.1 };
  return h(
    'div',
    { class: 'pref-fields' },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Colors'),
      s.colors.slice(0, 4).map(
        (c, i) =>
          field(
            `Color ${i + 1}`,
            color(c, (n, v) => (n.colors[i] = v)),
          ).row,
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Points and lines'),
      num('Point size', s.point.size, R10, (n, v) => (n.point.size = v), relative),
      field('Point symbol', symbol).row,
      num('Line width', s.line.width, R10, (n, v) => (n.line.width = v), relative),
      field(
        'Line style',
        select(s.line.style, LINE_STYLES, (n, v) => (n.line.style = v)),
      ).row,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Bars'),
      field(
        'Bar fill',
        color(s.bar.fill, (n, v) => (n.bar.fill = v)),
      ).row,
      field(
        'Bar border',
        color(s.bar.border, (n, v) => (n.bar.border = v)),
      ).row,
      num(
        'Bar width',
        s.bar.width,
        { min: 0.05, max: 1, step: 0.05 },
        (n, v) => (n.bar.width = v),
        'Share of the space per bar.',
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Text and background'),
      num('Text size', s.text.size, R10, (n, v) => (n.text.size = v), relative),
      field(
        'Text family',
        select(s.text.family, FONT_FAMILIES, (n, v) => (n.text.family = v)),
      ).row,
      field(
        'Background color',
        color(s['background-color'], (n, v) => (n['background-color'] = v)),
      ).row,
    ),
  );
}

/** Opens the preference-set dialog. */
export function openPrefsDialog(app: App): void {
  const body = h('div', { class: 'prefs' });
  const setName = h('input', { type: 'text', autocomplete: 'off', placeholder: 'e.g. printing' });
  const nameF = field('Name for a new set, or a new name for this one', setName);
  // A failure to create or rename shows under the name field (`where`), the rest as a toast.
  const run = (p: Promise<void>, where?: HTMLElement): void => {
    nameF.error.textContent = '';
    p.then(render).catch((e: unknown) => {
      if (where) where.textContent = messageOf(e);
      else toast(messageOf(e), 'error');
    });
  };
  const named = (): string | null => {
    const v = setName.value.trim();
    return checkName(v, nameF.error) ? v : null;
  };
  const render = (): void => {
    const p = app.prefs;
    const names = p.names.includes(p.current) ? p.names : [...p.names, p.current];
    const list = h(
      'select',
      { 'aria-label': 'Preference set' },
      names.map((n) => h('option', { value: n, selected: n === p.current }, n)),
    );
    list.addEventListener('change', () => run(p.select(list.value)));
    const preview = h('div', { class: 'pref-preview' }, previewSvg(p.settings));
    replace(
      body,
      h(
        'div',
        { class: 'pref-sets' },
        field('Current set', list).row,
        nameF.row,
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              on: {
                click: () => {
                  const n = named();
                  if (n) run(p.create(n), nameF.error);
                },
              },
            },
            'Create',
          ),
          h(
            'button',
            {
              type: 'button',
              on: {
                click: () => {
                  const n = named();
                  if (n) run(p.rename(p.current, n), nameF.error);
                },
              },
            },
            'Rename',
          ),
          h(
            'button',
            {
              type: 'button',
              on: {
                click: () => {
                  if (confirm(`Delete the preference set "${p.current}"?`))
                    run(p.remove(p.current));
                },
              },
            },
            'Delete',
          ),
        ),
        h(
          'p',
          { class: 'hint' },
          'Changes are saved as you make them and apply to the next graphs.',
        ),
        preview,
      ),
      editor(app, preview),
    );
  };
  render();
  openDialog('Preferences', body, { wide: true });
}
