/**
 * PanthR.r's graphs: every kind in SVG, PNG and PDF with valid headers and sizes, graph
 * settings applied, hostile titles and labels kept as inert escaped text (never markup,
 * never code), no device or file left behind after a failure. Runs R through Rscript.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arr, obj, runRJson, type Json } from '../fixtures/r/run-r.ts';

interface Graph {
  name: string;
  format: string;
  mime: string;
  data: string;
  warnings: Json;
}

/** The tags of an SVG document, with the text between them removed. */
function tagsOf(svg: string): string[] {
  return svg.match(/<[^>]*>/g) ?? [];
}

function pngSize(b64: string): [number, number] {
  const png = Buffer.from(b64, 'base64');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('PanthR.r graphs', function () {
  this.timeout(120_000);
  const graphs = new Map<string, Graph>();
  let out: { [key: string]: Json } = {};
  let dir = '';
  let marker = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'panthr-r-graphs-'));
    marker = join(dir, 'marker');
    out = obj(await runRJson('graphs.R', [marker]));
    for (const g of arr(out['graphs'])) {
      const o = obj(g) as unknown as Graph;
      graphs.set(o.name, o);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const get = (name: string): Graph => {
    const g = graphs.get(name);
    assert.ok(g, `graph ${name} was not drawn`);
    return g;
  };

  it('draws every kind, the extension qqnorm included, in svg, png and pdf', () => {
    for (const kind of ['hist', 'box', 'scatter', 'bar', 'dot', 'quantile', 'qqnorm']) {
      const svg = get(`${kind} svg`);
      assert.equal(svg.mime, 'image/svg+xml');
      assert.match(svg.data, /^<\?xml version='1.0' encoding='UTF-8' \?>\s*<svg /);
      assert.match(svg.data, /<\/svg>\s*$/);
      assert.match(svg.data, /<text /, 'text stays text');
      const png = get(`${kind} png`);
      assert.equal(png.mime, 'image/png');
      assert.deepEqual(pngSize(png.data), [640, 480]);
      const pdf = get(`${kind} pdf`);
      assert.equal(pdf.mime, 'application/pdf');
      assert.equal(Buffer.from(pdf.data, 'base64').subarray(0, 5).toString('latin1'), '%PDF-');
      for (const g of [svg, png, pdf]) assert.deepEqual(g.warnings, [], `${g.name} warned`);
    }
  });

  it('draws with a palette of one colour', () => {
    for (const kind of ['hist', 'box', 'scatter', 'bar']) {
      const svg = get(`one colour ${kind}`).data;
      assert.match(svg, /#FF0000/i, `${kind} uses the colour`);
    }
  });

  it('sizes SVG in pixels and PNG in device pixels times scale', () => {
    assert.match(get('hist svg').data, /<svg [^>]*width='640\.00px' height='480\.00px'/);
    assert.match(get('size 800x300').data, /<svg [^>]*width='800\.00px' height='300\.00px'/);
    assert.deepEqual(pngSize(get('png scale 2').data), [640, 400]);
  });

  it('draws every kind at the smallest size, 50 x 50, margins and text shrunk to fit', () => {
    for (const kind of ['hist', 'box', 'scatter', 'bar', 'dot', 'quantile', 'qqnorm']) {
      assert.match(get(`small ${kind} svg`).data, /<svg [^>]*width='50\.00px' height='50\.00px'/);
      assert.deepEqual(pngSize(get(`small ${kind} png`).data), [50, 50]);
      assert.equal(get(`small ${kind} pdf`).mime, 'application/pdf');
    }
    assert.deepEqual(pngSize(get('small wide').data), [150, 100]);
  });

  it('applies the graph settings: colors, background, bar, line, text size and family', () => {
    const svg = get('settings').data;
    assert.match(svg, /<rect width='100%' height='100%' style='stroke: none; fill: #00FF00;'\/>/);
    assert.match(svg, /fill: #123456;/, 'bar fill');
    assert.match(svg, /stroke: #AABBCC;/, 'bar border from #abc');
    assert.match(svg, /stroke-width: 2\.25;/, 'line width 3');
    assert.match(svg, /stroke-dasharray/, 'dashed lines');
    assert.match(svg, /font-size: 24\.00px;/, 'text size 2 x 12 pt');
    assert.doesNotMatch(svg, /font-family: "(DejaVu|Liberation) Sans"/, 'serif family');
  });

  it('keeps hostile titles, axis labels and level names as escaped, inert text', () => {
    for (const g of graphs.values()) {
      if (g.format !== 'svg') continue;
      for (const tag of tagsOf(g.data)) {
        assert.doesNotMatch(
          tag,
          /script|onload|onerror|<img|href|foreignObject/i,
          `${g.name}: ${tag}`,
        );
      }
    }
    const svg = get('hostile labels').data;
    assert.ok(svg.includes('&lt;img src=x onerror=alert(1)&gt;'), 'group level escaped');
    assert.ok(svg.includes('"); system("touch '), 'title shown as text');
    assert.ok(svg.includes(']]&gt;&lt;svg onload=alert(1)&gt;'), 'y label escaped');
    assert.ok(get('hist svg').data.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.equal(out['marker_exists'], false);
    assert.equal(existsSync(marker), false, 'no label ran as code');
  });

  it('fails with a code, leaving no device, file or palette change behind', () => {
    const failures = arr(out['failures']).map(obj);
    assert.deepEqual(
      failures.map((f) => [f['ok'], f['code']]),
      [
        [false, 'not_found'],
        [false, 'invalid_object'],
        [false, 'invalid_object'],
        [false, 'invalid_object'],
      ],
    );
    assert.equal(out['open_devices'], 0);
    assert.deepEqual(out['files_left'], []);
    assert.equal(out['palette_kept'], true);
  });

  it('loads the example extension and names what it registered', () => {
    const ext = obj(out['extension']);
    assert.deepEqual(ext['tests'], []);
    assert.deepEqual(ext['graphs'], ['qqnorm']);
    assert.deepEqual(ext['reports'], []);
  });
});
