// The preference dialog's live preview: bars, a line and points drawn in the browser as
// SVG with the settings being edited, so a change shows before any graph is made in R.
import { cssFamily, dashArray, type GraphSettings } from '../settings.ts';

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
