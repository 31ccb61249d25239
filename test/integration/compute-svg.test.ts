/** The SVG allow-list: svglite's own output passes; active or external content is refused. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { checkSvg, UnsafeSvgError } from '../../server/compute/index.ts';

describe('compute: SVG allow-list', function () {
  this.timeout(30_000);
  let svg = '';
  let raster = '';

  before(() => {
    // Real svglite documents: text that needs escaping; a raster image.
    const draw = (code: string): string =>
      execFileSync('Rscript', [
        '-e',
        `s <- svglite::svgstring(width = 6, height = 4, standalone = TRUE); ${code};
         invisible(dev.off()); cat(s())`,
      ]).toString();
    svg = draw(`plot(1:10, main = "a <b> & \\"c\\" 'd' é"); abline(h = 5, lty = 2)`);
    raster = draw('image(matrix(1:4, 2), useRaster = TRUE)');
  });

  it('passes svglite output unchanged', () => {
    assert.equal(checkSvg(svg), svg);
  });

  it('refuses embedded images, as the R check does (one allow-list: r/R/svg-allow.json)', () => {
    assert.match(raster, /<image [^>]*data:image\/png;base64,/);
    assert.throws(() => checkSvg(raster), /element <image>/);
  });

  const attacks: [string, (s: string) => string][] = [
    ['a script element', (s) => s.replace('<defs>', '<script>alert(1)</script><defs>')],
    ['an event handler', (s) => s.replace('<rect ', "<rect onload='alert(1)' ")],
    ['an upper-case event handler', (s) => s.replace('<rect ', "<rect ONCLICK='alert(1)' ")],
    [
      'a foreign object',
      (s) => s.replace('<defs>', '<foreignObject><p>x</p></foreignObject><defs>'),
    ],
    [
      'a link element',
      (s) => s.replace('<rect ', "<a href='javascript:alert(1)'><rect/></a><rect "),
    ],
    [
      'a javascript: href on use',
      (s) => s.replace('<rect ', "<use href='javascript:alert(1)'/><rect "),
    ],
    [
      'an entity-encoded javascript: href',
      (s) => s.replace('<rect ', "<use xlink:href='&#106;avascript:alert(1)'/><rect "),
    ],
    [
      'an external href',
      (s) => s.replace('<rect ', "<use href='http://evil.example/x.svg#a'/><rect "),
    ],
    [
      'an external image',
      (s) => s.replace('<rect ', "<image href='https://evil.example/t.png'/><rect "),
    ],
    [
      'an SVG data URI image',
      (s) => s.replace('<rect ', "<image href='data:image/svg+xml;base64,PHN2Zz4='/><rect "),
    ],
    [
      'a CSS url() to another site',
      (s) => s.replace('fill: #FFFFFF;', 'fill: url(http://evil.example/x);'),
    ],
    [
      'a CSS @import',
      (s) => s.replace('.svglite text {', '@import "http://evil.example/x.css"; .svglite text {'),
    ],
    [
      'an entity-encoded CSS @import',
      (s) =>
        s.replace('.svglite text {', '@&#105;mport "http://evil.example/x.css"; .svglite text {'),
    ],
    [
      'a CSS-escaped @import',
      (s) =>
        s.replace('.svglite text {', '@\\69mport "http://evil.example/x.css"; .svglite text {'),
    ],
    [
      'a CSS-escaped url() to another site',
      (s) => s.replace('fill: #FFFFFF;', 'fill: u\\72l(http://evil.example/x);'),
    ],
    [
      'an animation',
      (s) => s.replace('<rect ', "<set attributeName='href' to='javascript:alert(1)'/><rect "),
    ],
    ['a comment', (s) => s.replace('<defs>', '<!-- x --><defs>')],
    ['a DOCTYPE with entities', (s) => s.replace('<svg ', '<!DOCTYPE svg [<!ENTITY x "y">]><svg ')],
    ['an unknown entity', (s) => s.replace('<defs>', '&x;<defs>')],
    [
      'a foreign namespace',
      (s) =>
        s.replace(
          "xmlns:xlink='http://www.w3.org/1999/xlink'",
          "xmlns:h='http://www.w3.org/1999/xhtml'",
        ),
    ],
    ['a second root', (s) => `${s}<svg></svg>`],
    ['an unclosed element', (s) => s.replace('</svg>', '')],
  ];
  for (const [what, attack] of attacks) {
    it(`refuses ${what}`, () => {
      const bad = attack(svg);
      assert.notEqual(bad, svg, 'the attack changed the document');
      assert.throws(() => checkSvg(bad), UnsafeSvgError);
    });
  }
});
