/**
 * A strict allow-list check of the SVG that graphs return. svglite's output is simple
 * (shapes, text, clip paths, one CSS block), so anything else is refused
 * rather than cleaned: scripts, event handlers, foreign objects, animation, external
 * references, DOCTYPE/entities. The R side is trusted to draw, not to be harmless: an
 * extension or a crafted label must never turn a graph into active content.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';

/** The one allow-list, shared with PanthR.r's own check (r/R/svgsafe.R). */
const ALLOW = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'r/R/svg-allow.json'), 'utf8')) as {
  elements: string[];
  attributes: string[];
};
/** Elements svglite produces. */
const ELEMENTS = new Set(ALLOW.elements);
/** Attributes allowed on any element (no `on*`, no `href`). */
const ATTRIBUTES = new Set(ALLOW.attributes);

/** The only namespaces an `xmlns*` attribute may declare. */
const NAMESPACES = new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']);

/** CSS that could fetch or run something: url() other than url(#id), @import, expressions. */
const BAD_CSS =
  /@import|expression\s*\(|javascript:|behaviou?r\s*:|-moz-binding|url\s*\(\s*(?!['"]?#)/i;

/**
 * Whether CSS (entities already decoded, as an SVG reader decodes them) may fetch or run
 * something. Any CSS escape is refused too: `u\72l(` is `url(` and `@\69mport` is
 * `@import` to a browser, and svglite writes no backslashes.
 */
function isBadCss(css: string): boolean {
  return css.includes('\\') || BAD_CSS.test(css);
}

/** Why an SVG was refused. */
export class UnsafeSvgError extends Error {
  constructor(reason: string) {
    super(`the graph's SVG was refused: ${reason}`);
    this.name = 'UnsafeSvgError';
  }
}

const TAG =
  /<(\/?)([A-Za-z][A-Za-z0-9:_.-]*)((?:\s+[A-Za-z_:][A-Za-z0-9:_.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
const ATTR = /([A-Za-z_:][A-Za-z0-9:_.-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code =
        e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
    }
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    return named[e.toLowerCase()] ?? m;
  });
}

function checkAttribute(element: string, name: string, rawValue: string): void {
  if (!ATTRIBUTES.has(name)) throw new UnsafeSvgError(`attribute "${name}" on <${element}>`);
  // Entities are decoded first so that `&#106;avascript:` cannot pass as text.
  // Control characters and spaces are dropped so that `java\tscript:` cannot pass.
  // eslint-disable-next-line no-control-regex
  const value = decodeEntities(rawValue).replace(/[\u0000-\u0020]+/g, '');
  if (name === 'xmlns' || name === 'xmlns:xlink') {
    if (!NAMESPACES.has(value)) throw new UnsafeSvgError(`namespace "${value}"`);
    return;
  }
  if (isBadCss(value) || /url\s*\(\s*['"]?\s*#?\s*javascript/i.test(value)) {
    throw new UnsafeSvgError(`value of "${name}" on <${element}>`);
  }
}

function checkTag(match: RegExpExecArray, stack: string[]): void {
  const [, closing, element = '', attrs = '', selfClosing] = match;
  if (!ELEMENTS.has(element)) throw new UnsafeSvgError(`element <${element}>`);
  if (closing) {
    if (attrs !== '' || selfClosing) throw new UnsafeSvgError(`malformed </${element}>`);
    if (stack.pop() !== element) throw new UnsafeSvgError(`unbalanced </${element}>`);
    return;
  }
  for (const a of attrs.matchAll(ATTR)) checkAttribute(element, a[1] ?? '', a[2] ?? a[3] ?? '');
  if (!selfClosing) stack.push(element);
}

/** Checks the body of a `<style>` element (plain CSS or one CDATA section of CSS). */
function checkStyle(svg: string, from: number): number {
  const end = svg.indexOf('</style>', from);
  if (end < 0) throw new UnsafeSvgError('unterminated <style>');
  let css = svg.slice(from, end).trim();
  if (css.startsWith('<![CDATA[') && css.endsWith(']]>')) css = css.slice(9, -3);
  // Decoded whether in CDATA or not: outside CDATA a reader decodes `&#105;mport` to `import`
  // (inside, decoding only makes the check stricter).
  if (css.includes('<') || isBadCss(decodeEntities(css)))
    throw new UnsafeSvgError('CSS in <style>');
  return end;
}

/**
 * Returns `svg` unchanged if every element, attribute, reference and CSS rule in it is on
 * the allow-list; throws {@link UnsafeSvgError} otherwise. Text between tags may only hold
 * character data and entity references (no comments, CDATA, DOCTYPE or processing
 * instructions besides a leading XML declaration).
 */
export function checkSvg(svg: string): string {
  let i = 0;
  const decl = /^\s*<\?xml\s[^?<>]*\?>/.exec(svg);
  if (decl) i = decl[0].length;
  const stack: string[] = [];
  let sawRoot = false;
  while (i < svg.length) {
    const lt = svg.indexOf('<', i);
    const text = svg.slice(i, lt < 0 ? svg.length : lt);
    if (/&(?!(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);)/i.test(text)) {
      throw new UnsafeSvgError('an unknown entity in text');
    }
    if (stack.length === 0 && text.trim() !== '') throw new UnsafeSvgError('text outside <svg>');
    if (lt < 0) break;
    TAG.lastIndex = lt;
    const m = TAG.exec(svg);
    if (!m) throw new UnsafeSvgError(`markup at ${lt} is not a plain tag`);
    if (stack.length === 0 && (sawRoot || m[2] !== 'svg'))
      throw new UnsafeSvgError('not one <svg> root');
    sawRoot = true;
    checkTag(m, stack);
    i = TAG.lastIndex;
    if (m[2] === 'style' && !m[1] && !m[4]) i = checkStyle(svg, i);
  }
  if (!sawRoot || stack.length !== 0) throw new UnsafeSvgError('not a complete <svg> document');
  return svg;
}
