/**
 * The data commands of API 1.1 ("Data in API 1.1"): `read` of CSV, Excel, SPSS and Stata
 * files, and the cell, level and type changes `edit`, `levels` and `settype`.
 *
 * `read` carries the file as `text` (CSV only) or as bytes in `data`: a Buffer / Uint8Array
 * (a Socket.IO binary attachment) or a base64 string. CSV options (`separator`, `decimal`,
 * `encoding`, `na`) belong to CSV only and `sheet` to xlsx only: a key of another format is
 * an error rather than silently ignored. `encoding` says how CSV bytes are decoded (`text` is
 * already text, so it is ignored there).
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { baseShape, nameSchema } from './common.schema.ts';
import { VARIABLE_TYPES } from './vector.schema.ts';

const commandBase = { type: z.literal('command'), ...baseShape };

/** The file formats `read` knows. */
export const READ_FORMATS = ['csv', 'xlsx', 'sav', 'dta'] as const;

/** Base64 text: the standard alphabet, padding optional, whitespace (line breaks) allowed. */
const BASE64_RE = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** A file's bytes: binary (as Socket.IO delivers it) or base64 text. */
const bytesSchema = z.union([
  z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.byteLength <= LIMITS.csvText, {
    message: `must be bytes (at most ${LIMITS.csvText}) or base64 text`,
  }),
  z
    .string()
    .max(Math.ceil(LIMITS.csvText / 3) * 4 + 1024)
    .regex(BASE64_RE, { message: 'must be base64 text or bytes' }),
]);

/** One character that may separate CSV fields (not a quote, line end or decimal digit). */
const separatorSchema = z
  .string()
  .length(1)
  .refine((s) => !/["\r\n0-9A-Za-z.]/.test(s), {
    message: 'must be one character other than a quote, a letter, a digit, "." or a line end',
  });

const CSV_ONLY = ['separator', 'decimal', 'encoding', 'na', 'text'] as const;

/** `read`: a file into the dataset called `name` (see the module comment). */
export const readSchema = z
  .object({
    ...commandBase,
    command: z.literal('read'),
    format: z.enum(READ_FORMATS),
    text: z.string().max(LIMITS.csvText).optional(),
    data: bytesSchema.optional(),
    separator: separatorSchema.optional(),
    decimal: z.enum(['.', ',']).optional(),
    encoding: z.string().min(1).max(40).optional(),
    na: z.array(z.string().max(LIMITS.short)).max(LIMITS.missing).optional(),
    sheet: z.union([z.string().min(1).max(LIMITS.short), z.number().int().min(1)]).optional(),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string): void => {
      ctx.addIssue({ code: 'custom', path: [path], message });
    };
    if (o.format === 'csv') {
      if ((o.text === undefined) === (o.data === undefined))
        issue('text', 'a CSV read needs exactly one of "text" and "data"');
      // A decimal mark that is the separator too reads numbers written in quotes ("77,1"),
      // which R's read.csv refuses to do; an unquoted one splits its line, named then.
    } else {
      if (o.data === undefined) issue('data', `a ${o.format} file must be sent as bytes in "data"`);
      for (const k of CSV_ONLY) if (o[k] !== undefined) issue(k, `"${k}" is only for format "csv"`);
    }
    if (o.sheet !== undefined && o.format !== 'xlsx') issue('sheet', '"sheet" is only for xlsx');
  });

const cellValue = z.union([z.number(), z.string().max(LIMITS.stringValue), z.boolean(), z.null()]);

/** `edit`: sets cells of one variable; rows are 1-based, one value per row. */
export const editSchema = z
  .object({
    ...commandBase,
    command: z.literal('edit'),
    dataset: nameSchema,
    variable: nameSchema,
    rows: z.array(z.number().int().min(1)).min(1).max(LIMITS.vectorLength),
    values: z.array(cellValue).max(LIMITS.vectorLength),
  })
  .superRefine((o, ctx) => {
    if (o.values.length !== o.rows.length)
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: `has ${o.values.length} values for ${o.rows.length} rows`,
      });
  });

/** `levels`: reorders (`labels`, a permutation of the levels) or renames (`rename`). */
export const levelsSchema = z
  .object({
    ...commandBase,
    command: z.literal('levels'),
    dataset: nameSchema,
    variable: nameSchema,
    labels: z.array(z.string().max(LIMITS.stringValue)).max(LIMITS.labels).optional(),
    rename: z
      .record(z.string().max(LIMITS.stringValue), z.string().min(1).max(LIMITS.stringValue))
      .optional(),
  })
  .superRefine((o, ctx) => {
    if ((o.labels === undefined) === (o.rename === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['labels'],
        message: 'needs exactly one of "labels" (a new order) and "rename"',
      });
  });

/** `settype`: a variable's type and, optionally, its missing-value codes. */
export const settypeSchema = z.object({
  ...commandBase,
  command: z.literal('settype'),
  dataset: nameSchema,
  variable: nameSchema,
  variableType: z.enum(VARIABLE_TYPES),
  missing: z
    .array(z.union([z.number(), z.string().max(LIMITS.stringValue)]))
    .max(LIMITS.missing)
    .optional(),
  /** Extension: the decimal mark of texts turned into numbers ("1,5" with ","). */
  decimal: z.enum(['.', ',']).optional(),
});

/** A `read` command. */
export type ReadCommand = z.infer<typeof readSchema>;
/** An `edit` command. */
export type EditCommand = z.infer<typeof editSchema>;
/** A `levels` command. */
export type LevelsCommand = z.infer<typeof levelsSchema>;
/** A `settype` command. */
export type SettypeCommand = z.infer<typeof settypeSchema>;
