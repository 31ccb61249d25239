/**
 * Graph settings: what a preference set stores for graphs and what a graph object's
 * `settings` carries. Strict (an unknown key is an error) and small. Sizes are relative to
 * R's defaults so that the same settings suit every output size.
 */
import { z } from 'zod';
import { isColor, normalizeColor } from './colors.ts';
import { FONT_FAMILIES, LINE_STYLES } from './graph-styles.ts';

export { FONT_FAMILIES, LINE_STYLES };

/** A color: `#rgb`, `#rrggbb`, `#rrggbbaa` or a CSS color name (see `colors.ts`). */
export const colorSchema = z
  .string()
  .max(32)
  .refine(isColor, { message: 'must be #rgb, #rrggbb, #rrggbbaa or a CSS color name' });

const relativeSize = z.number().positive().max(10);

/**
 * The graph settings object:
 * - `colors`: the palette, in order (groups, bars, boxes take colors from it), 1 to 32 colors;
 * - `point`: `size` (relative, 1 = R's default, R's `cex`), `symbol` (R's `pch`, 0 to 25);
 * - `line`: `width` (relative, R's `lwd`), `style` (one of {@link LINE_STYLES}, R's `lty`);
 * - `text`: `size` (relative, R's `cex`), `family` (one of {@link FONT_FAMILIES});
 * - `bar`: `fill` and `border` colors, `width` (fraction of the space per bar, 0 to 1);
 * - `background-color`: the plot's background.
 */
export const graphSettingsSchema = z.strictObject({
  colors: z.array(colorSchema).min(1).max(32).optional(),
  point: z
    .strictObject({
      size: relativeSize.optional(),
      symbol: z.number().int().min(0).max(25).optional(),
    })
    .optional(),
  line: z
    .strictObject({ width: relativeSize.optional(), style: z.enum(LINE_STYLES).optional() })
    .optional(),
  text: z
    .strictObject({ size: relativeSize.optional(), family: z.enum(FONT_FAMILIES).optional() })
    .optional(),
  bar: z
    .strictObject({
      fill: colorSchema.optional(),
      border: colorSchema.optional(),
      width: z.number().positive().max(1).optional(),
    })
    .optional(),
  'background-color': colorSchema.optional(),
});

/** Graph settings, as validated by {@link graphSettingsSchema}. */
export type GraphSettings = z.infer<typeof graphSettingsSchema>;

/** A valid color as `#RRGGBBAA`; anything else unchanged (R refuses it with its own message). */
function hexForR(c: unknown): unknown {
  return typeof c === 'string' && isColor(c) ? normalizeColor(c) : c;
}

/**
 * `s` with every color in the `#RRGGBBAA` form R's graphics devices read: the schema accepts
 * CSS names that R's own color table lacks (`aqua`, `teal`, `rebeccapurple`...). The input
 * is not changed; the stored and echoed settings keep the user's own spelling.
 */
export function graphSettingsForR(s: GraphSettings): GraphSettings {
  const out: Record<string, unknown> = { ...s };
  if (Array.isArray(s.colors)) out['colors'] = s.colors.map(hexForR);
  if (s['background-color'] !== undefined) out['background-color'] = hexForR(s['background-color']);
  if (s.bar !== undefined) {
    const bar: Record<string, unknown> = { ...s.bar };
    if (s.bar.fill !== undefined) bar['fill'] = hexForR(s.bar.fill);
    if (s.bar.border !== undefined) bar['border'] = hexForR(s.bar.border);
    out['bar'] = bar;
  }
  return out;
}
