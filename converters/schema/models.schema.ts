/**
 * The models of API.md "Analyses added in API 1.1" (`test` objects): `aov`, `lm`, `glm`,
 * `cor`, `alpha`, `prcomp`, `factanal`, with their options. Spread into `TEST_SCHEMAS` by
 * requests.schema.ts. Options are strict, so a misspelt option is an error rather than a
 * silent default; the R side (r/R/models-*.R) checks what depends on the data (levels,
 * variable types, item names).
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { nameSchema, testRequestSchema } from './common.schema.ts';

/** A model request of kind `kind` with `min` to `max` (default: any number of) variables. */
function modelSchema<K extends string, O extends z.ZodType>(
  kind: K,
  min: number,
  options: O,
  max: number = LIMITS.variables,
) {
  return testRequestSchema(z.literal(kind), min, max, options);
}

const interactions = z.boolean().optional();

/** The model kinds by name, with the options API.md gives them. */
export const MODEL_SCHEMAS = {
  lm: modelSchema('lm', 2, z.strictObject({ interactions })),
  aov: modelSchema(
    'aov',
    2,
    z.strictObject({
      interactions,
      ss_type: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
      posthoc: z.enum(['tukey', 'holm', 'bonferroni', 'games_howell']).optional(),
    }),
  ),
  glm: modelSchema(
    'glm',
    2,
    z.strictObject({ family: z.literal('binomial').optional(), interactions }),
  ),
  cor: modelSchema(
    'cor',
    2,
    z.strictObject({ method: z.enum(['pearson', 'spearman', 'kendall']).optional() }),
  ),
  alpha: modelSchema(
    'alpha',
    2,
    z.strictObject({ reverse: z.array(nameSchema).max(LIMITS.variables).optional() }),
  ),
  prcomp: modelSchema('prcomp', 2, z.strictObject({ scale: z.boolean().optional() })),
  factanal: modelSchema(
    'factanal',
    3,
    z.strictObject({
      factors: z.number().int().min(1).max(LIMITS.variables).optional(),
      rotation: z.enum(['varimax', 'promax', 'none']).optional(),
    }),
  ),
} as const;

/** A model request. */
export type PanthrModel = z.infer<(typeof MODEL_SCHEMAS)[keyof typeof MODEL_SCHEMAS]>;
