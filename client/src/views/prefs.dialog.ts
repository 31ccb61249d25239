// Preference sets: create, rename, delete, switch, and edit the graph settings with a live
// preview drawn in the browser. Every change is saved at once.
import { messageOf } from '../api.ts';
import type { App } from '../app.ts';
import { field, h, openDialog, replace, toast } from '../dom.ts';
import { checkName } from '../names.ts';
import {
  cssFamily,
  dashArray,
  FONT_FAMILIES,
  LINE_STYLES,
  POINT_SYMBOLS,
  type GraphSettings,
} from '../settings.ts';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function marker(pch: number, x: number, y: number, r: number, color: string): SVGElement {
  const s = { fill: pch >= 15 ? color : 'none', stroke: color, 'stroke-width': 1.2 };
  if (pch === 15 || pch === 0)
    return svg('rect', { x: x - r, y: y - r, width: 2 * r, height: 2 * r, ...s });
  if (pch === 17 || pch === 2)
    return svg('polygon', { points: `${x},${y - r} ${x - r},${y + r} ${x + r},${y + r}`, ...s });
  if (pch === 18 || pch === 5)
    return svg('polygon', {
      points: `${x},${y - r} ${x - r},${y} ${x},${y + r} ${x + r},${y}`,
      ...s,
    });
  if (pch === 3) return svg('path', { d: `M${x - r},${y}H${x + r}M${x},${y - r}V${y + r}`, ...s });
  if (pch === 4)
    return svg('path', {
      d: `M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`,
      ...s,
    });
  return svg('circle', { cx: x, cy: y, r, ...s });
}

function text(label: string, x: number, y: number, size: number, s: GraphSettings): SVGElement {
  const t = svg('text', {
    x,
    y,
    'text-anchor': 'middle',
    'font-size': size * s.text.size,
    'font-family': cssFamily(s.text.family),
  });
  t.textContent = label;
  return t;
}

/** A small picture of what graphs will look like with `s`: bars, a line and points. */
export function previewSvg(s: GraphSettings): SVGSVGElement {
  const root = svg('svg', {
    viewBox: '0 0 320 200',
    width: 320,
    height: 200,
    role: 'img',
    'aria-label': 'Preview of the graph settings',
  }) as SVGSVGElement;
  root.append(
    svg('rect', {
      x: 0,
      y: 0,
      width: 320,
      height: 200,
      fill: s['background-color'],
      stroke: '#ccc',
    }),
  );
  [40, 90, 130, 70].forEach((hgt, i) => {
    const w = 34 * s.bar.width;
    const fill = i === 0 ? s.bar.fill : (s.colors[(i - 1) % s.colors.length] ?? s.bar.fill);
    root.append(
      svg('rect', {
        x: 30 + i * 34 + (34 - w) / 2,
        y: 170 - hgt,
        width: w,
        height: hgt,
        fill,
        stroke: s.bar.border,
      }),
    );
  });
  const pts = [
    [180, 150],
    [205, 120],
    [230, 128],
    [255, 90],
    [280, 70],
    [300, 50],
  ] as const;
  root.append(
    svg('polyline', {
      points: pts.map((p) => p.join(',')).join(' '),
      fill: 'none',
      stroke: '#333',
      'stroke-width': s.line.width,
      'stroke-dasharray': dashArray(s.line.style, s.line.width),
    }),
  );
  for (const [x, y] of pts)
    root.append(marker(s.point.symbol, x, y, 3.5 * s.point.size, s.colors[0] ?? '#000'));
  root.append(
    text('Preview', 160, 22, 14, s),
    text('x axis label', 160, 192, 11, s),
    svg('line', { x1: 20, y1: 170, x2: 310, y2: 170, stroke: '#444' }),
  );
  return root;
}

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
  const num = (
    value: number,
    min: number,
    max: number,
    step: number,
    set: (n: GraphSettings, v: number) => void,
  ): HTMLInputElement => {
    const el = h('input', {
      type: 'number',
      value: String(value),
      min: String(min),
      max: String(max),
      step: String(step),
    });
    el.addEventListener('input', () => {
      const v = Number(el.value);
      if (el.value !== '' && Number.isFinite(v) && v >= min && v <= max) change((n) => set(n, v));
    });
    return el;
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
      field(
        'Point size',
        num(s.point.size, 0.1, 10, 0.1, (n, v) => (n.point.size = v)),
        relative,
      ).row,
      field('Point symbol', symbol).row,
      field(
        'Line width',
        num(s.line.width, 0.1, 10, 0.1, (n, v) => (n.line.width = v)),
        relative,
      ).row,
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
      field(
        'Bar width',
        num(s.bar.width, 0.05, 1, 0.05, (n, v) => (n.bar.width = v)),
        'Share of the space per bar.',
      ).row,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Text and background'),
      field(
        'Text size',
        num(s.text.size, 0.1, 10, 0.1, (n, v) => (n.text.size = v)),
        relative,
      ).row,
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
  const run = (p: Promise<void>): void => {
    nameF.error.textContent = '';
    p.then(render).catch((e: unknown) => toast(messageOf(e), 'error'));
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
                  if (n) run(p.create(n));
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
                  if (n) run(p.rename(p.current, n));
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
