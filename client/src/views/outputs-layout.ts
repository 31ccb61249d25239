// The outputs panel's width (narrow beside the data, or wide for long tables), remembered
// in this browser, and the alt text of graphs.
import { h } from '../dom.ts';
import { isAnalysisRequest, type PObject } from '../types.ts';

const KEY = 'panthr.outputs.wide';

const GRAPH_NAMES: Record<string, string> = {
  hist: 'Histogram',
  box: 'Box plot',
  scatter: 'Scatter plot',
  bar: 'Bar chart',
  dot: 'Dot plot',
  quantile: 'Normal quantile plot',
};

/** True when the user widened the outputs panel (remembered in this browser). */
export function isWide(): boolean {
  return localStorage.getItem(KEY) === '1';
}

/** Puts the remembered width on the layout element. */
export function applyWidth(layout: HTMLElement): void {
  layout.classList.toggle('outputs-wide', isWide());
}

/** The button that widens or narrows the outputs panel. */
export function widenButton(wide: boolean): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'small widen',
      'aria-pressed': String(wide),
      on: {
        click: (e) => {
          const now = !isWide();
          localStorage.setItem(KEY, now ? '1' : '0');
          const layout = (e.currentTarget as HTMLElement).closest<HTMLElement>('.layout');
          if (layout) applyWidth(layout);
          (e.currentTarget as HTMLElement).setAttribute('aria-pressed', String(now));
          (e.currentTarget as HTMLElement).textContent = now ? 'Narrow results' : 'Widen results';
        },
      },
    },
    wide ? 'Narrow results' : 'Widen results',
  );
}

/** Alt text that says what a graph shows: "Histogram of score by group in scores (title)". */
export function graphAlt(o: PObject): string {
  // Any output whose result is a graph gets here; only a graph request has a graphType.
  const graphType = o.type === 'graph' ? o.graphType : '';
  const kind = GRAPH_NAMES[graphType] ?? 'Graph';
  const request = isAnalysisRequest(o) ? o : undefined;
  const [x, y, group] = request?.variables ?? [];
  const what =
    graphType === 'scatter'
      ? `${y ?? ''} against ${x ?? ''}${group ? `, by ${group}` : ''}`
      : `${x ?? ''}${y ? ` by ${y}` : ''}${group ? ` by ${group}` : ''}`;
  const ds = request === undefined ? '' : ` in ${request.dataset}`;
  const filter = request?.filter === undefined ? '' : ` (filter ${request.filter})`;
  const title = o.label !== undefined && o.label !== '' ? `: ${o.label}` : '';
  return `${kind} of ${what}${ds}${filter}${title}`;
}
