/**
 * The named styles of graph settings, zod-free so that the browser client offers exactly
 * what graph-settings.schema.ts accepts (converters/client.ts exports them).
 */

/** R's line types by name. */
export const LINE_STYLES = ['solid', 'dashed', 'dotted', 'dotdash', 'longdash', 'twodash'] as const;
/** Font families every R graphics device maps to a real font. */
export const FONT_FAMILIES = ['sans', 'serif', 'mono'] as const;
