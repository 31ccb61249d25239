/**
 * The request objects of API.md §3 besides vectors and datasets: filters, commands, reports,
 * tests, graphs, full R, and the error objects the server answers with.
 *
 * Commands carry their kind in `command` and its arguments beside it:
 * `{"type":"command","name":"n1","command":"newvar","dataset":"d","variable":"v","formula":"x*2"}`,
 * `{"type":"command","name":"d","command":"read","format":"csv","text":"a,b\n1,2"}`,
 * `{"type":"command","name":"del1","command":"delete","target":"d"}`.
 * Unknown keys are dropped (the project may add fields); options and settings are strict,
 * so a misspelt option is an error rather than silently ignored.
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import {
  baseShape,
  isBoundedJson,
  nameSchema,
  shortString,
  testRequestSchema,
  variableList,
} from './common.schema.ts';
import { editSchema, levelsSchema, readSchema, settypeSchema } from './data-commands.schema.ts';
import { graphSettingsSchema } from './graph-settings.schema.ts';
import { HTEST_SCHEMAS } from './tests.schema.ts';
import { MODEL_SCHEMAS } from './models.schema.ts';
import { DESCRIPTIVE_STATISTICS } from '../descriptive-statistics.ts';

const formula = z.string().min(1).max(LIMITS.formula);

/** A filter: the rows of `dataset` for which `formula` is true. */
export const filterSchema = z.object({
  type: z.literal('filter'),
  ...baseShape,
  dataset: nameSchema,
  formula,
});

const commandBase = { type: z.literal('command'), ...baseShape };
/** The commands by kind. */
export const COMMAND_SCHEMAS = {
  newvar: z.object({
    ...commandBase,
    command: z.literal('newvar'),
    dataset: nameSchema,
    variable: nameSchema,
    formula,
    /** API 1.1: required (true) to replace a variable that exists; see docs/api.md. */
    replace: z.boolean().optional(),
  }),
  read: readSchema,
  delete: z.object({ ...commandBase, command: z.literal('delete'), target: nameSchema }),
  edit: editSchema,
  levels: levelsSchema,
  settype: settypeSchema,
  // No other keys (API 1.1): what is undone is the server's history, never the client's.
  undo: z.object({ ...commandBase, command: z.literal('undo') }).strict(),
  redo: z.object({ ...commandBase, command: z.literal('redo') }).strict(),
} as const;

/** Options of extension kinds: a small JSON object the extension's R function receives. */
const extensionOptions = z
  .record(z.string().max(LIMITS.short), z.unknown())
  .refine((o) => isBoundedJson(o), {
    message: `must be JSON of at most ${LIMITS.jsonDepth} levels and ${LIMITS.jsonNodes} values`,
  });

function reportSchema<K extends z.ZodType<string>>(kind: K) {
  return z.object({
    type: z.literal('report'),
    ...baseShape,
    reportType: kind,
    dataset: nameSchema,
    variables: variableList(1),
    by: nameSchema.optional(),
    filter: nameSchema.optional(),
  });
}
const statistics = z
  .array(z.enum(DESCRIPTIVE_STATISTICS))
  .min(1)
  .max(DESCRIPTIVE_STATISTICS.length)
  .refine((a) => new Set(a).size === a.length, { message: 'must not repeat a statistic' });

/** The built-in reports by kind. */
export const REPORT_SCHEMAS = {
  descriptives: reportSchema(z.literal('descriptives')).extend({
    /** The statistics' columns, in this order (default: API 1.0's nine). */
    statistics: statistics.optional(),
  }),
  frequency: reportSchema(z.literal('frequency')),
} as const;
/** A report of a kind an R extension registered; `options` go to the extension as they are. */
export const extensionReportSchema = reportSchema(z.string().max(64)).extend({
  options: extensionOptions.optional(),
});

/** The built-in tests and models by kind, with the options of API.md. */
export const TEST_SCHEMAS = {
  ...HTEST_SCHEMAS,
  ...MODEL_SCHEMAS,
} as const;
/** A test of a kind an R extension registered. */
export const extensionTestSchema = testRequestSchema(
  z.string().max(64),
  1,
  LIMITS.variables,
  extensionOptions,
);

const axis = z.strictObject({
  label: shortString.optional(),
  limits: z.tuple([z.number(), z.number()]).optional(),
});
function graphSchema<K extends z.ZodType<string>>(kind: K) {
  return z.object({
    type: z.literal('graph'),
    ...baseShape,
    graphType: kind,
    dataset: nameSchema,
    variables: variableList(1, 3),
    format: z.enum(['svg', 'png', 'pdf']).optional(),
    width: z.number().int().min(50).max(8000).optional(),
    height: z.number().int().min(50).max(8000).optional(),
    /** PNG only: device pixels per CSS pixel (2 for a high-density screen); ignored otherwise. */
    scale: z.number().min(0.5).max(4).optional(),
    xaxis: axis.optional(),
    yaxis: axis.optional(),
    settings: graphSettingsSchema.optional(),
    filter: nameSchema.optional(),
  });
}
/** The graph kinds of API.md. */
export const GRAPH_TYPES = ['hist', 'box', 'scatter', 'bar', 'dot', 'quantile'] as const;
/** The built-in graphs by kind (one shape; the kind is in `graphType`). */
export const builtinGraphSchema = graphSchema(z.enum(GRAPH_TYPES));
/** A graph of a kind an R extension registered. */
export const extensionGraphSchema = graphSchema(z.string().max(64)).extend({
  options: extensionOptions.optional(),
});

/** Full R: evaluated only when `allow_full_r` is true. */
export const rSchema = z.object({
  type: z.literal('r'),
  ...baseShape,
  code: z.string().max(LIMITS.rCode),
});

/**
 * The codes an error object carries: those of API.md §2, API 1.1's `wrong_workspace` (a
 * `data` naming a workspace that is no longer current) and `moved` (a save refused on a
 * cluster node that lost the user), and `internal` (a failure the server logged under the
 * id its message gives).
 */
export const ERROR_CODES = [
  'invalid_message',
  'invalid_object',
  'unknown_type',
  'not_found',
  'too_large',
  'forbidden',
  'r_error',
  'timeout',
  'wrong_workspace',
  'moved',
  'too_many_requests',
  'internal',
] as const;
/** An error object, as the server answers a request it cannot serve. */
export const errorObjectSchema = z.object({
  type: z.literal('error'),
  name: nameSchema.nullable(),
  code: z.enum(ERROR_CODES),
  message: z.string().max(LIMITS.message),
});

/** A filter object. */
export type PanthrFilter = z.infer<typeof filterSchema>;
/** A command object (newvar, read, delete, edit, levels, settype, undo or redo). */
export type PanthrCommand = z.infer<(typeof COMMAND_SCHEMAS)[keyof typeof COMMAND_SCHEMAS]>;
/** A built-in report. */
export type PanthrReport = z.infer<(typeof REPORT_SCHEMAS)[keyof typeof REPORT_SCHEMAS]>;
/** A report of an extension kind. */
export type PanthrExtensionReport = z.infer<typeof extensionReportSchema>;
/** A built-in test or model. */
export type PanthrTest = z.infer<(typeof TEST_SCHEMAS)[keyof typeof TEST_SCHEMAS]>;
/** A test of an extension kind. */
export type PanthrExtensionTest = z.infer<typeof extensionTestSchema>;
/** A built-in graph. */
export type PanthrGraph = z.infer<typeof builtinGraphSchema>;
/** A graph of an extension kind. */
export type PanthrExtensionGraph = z.infer<typeof extensionGraphSchema>;
/** A full-R object. */
export type PanthrR = z.infer<typeof rSchema>;
/** An error object (server to client). */
export type PanthrError = z.infer<typeof errorObjectSchema>;
/** The code of an error object (one of {@link ERROR_CODES}). */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Whether `code` may be an error object's code (the server's codes also cover HTTP). */
export function isErrorObjectCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}
