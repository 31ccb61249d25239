/**
 * The hypothesis tests of API.md ("Tests and models" and "Analyses added in API 1.1"): one
 * request schema per `test` kind, with its variable count and its options. Options are
 * strict, so a misspelt option is `invalid_object`; the variables' types are checked in R,
 * which knows the data.
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { nameSchema, shortString, testRequestSchema } from './common.schema.ts';

const alternative = z.enum(['two.sided', 'less', 'greater']).optional();
const confLevel = z.number().gt(0).lt(1).optional();
const flag = z.boolean().optional();
const probability = z.number().gt(0).lt(1);
/** The level counted as a success: a level's label, or true/false for a logical variable. */
const success = z.union([shortString, z.boolean()]).optional();

/** The tests by kind (the value of the request's `test`). */
export const HTEST_SCHEMAS = {
  't.test': testRequestSchema(
    z.literal('t.test'),
    1,
    3,
    z.strictObject({
      mu: z.number().optional(),
      alternative,
      paired: flag,
      'var.equal': flag,
      'conf.level': confLevel,
    }),
  ),
  'wilcox.test': testRequestSchema(
    z.literal('wilcox.test'),
    1,
    3,
    z.strictObject({
      mu: z.number().optional(),
      alternative,
      paired: flag,
      exact: flag,
      correct: flag,
      'conf.level': confLevel,
    }),
  ),
  'kruskal.test': testRequestSchema(
    z.literal('kruskal.test'),
    2,
    2,
    z.strictObject({
      'p.adjust': z
        .enum(['holm', 'hochberg', 'hommel', 'bonferroni', 'BH', 'BY', 'fdr', 'none'])
        .optional(),
    }),
  ),
  'friedman.test': testRequestSchema(z.literal('friedman.test'), 3, 3, z.strictObject({})),
  'oneway.test': testRequestSchema(
    z.literal('oneway.test'),
    2,
    2,
    z.strictObject({ 'var.equal': flag }),
  ),
  'shapiro.test': testRequestSchema(
    z.literal('shapiro.test'),
    1,
    1,
    z.strictObject({ by: nameSchema.optional() }),
  ),
  'levene.test': testRequestSchema(
    z.literal('levene.test'),
    2,
    2,
    z.strictObject({ center: z.enum(['median', 'mean']).optional() }),
  ),
  'bartlett.test': testRequestSchema(z.literal('bartlett.test'), 2, 2, z.strictObject({})),
  'chisq.test': testRequestSchema(
    z.literal('chisq.test'),
    1,
    2,
    z.strictObject({
      correct: flag,
      p: z.array(z.number().min(0).max(1)).min(2).max(LIMITS.labels).optional(),
    }),
  ),
  'fisher.test': testRequestSchema(
    z.literal('fisher.test'),
    2,
    2,
    z.strictObject({ alternative, 'conf.level': confLevel }),
  ),
  'mcnemar.test': testRequestSchema(
    z.literal('mcnemar.test'),
    2,
    2,
    z.strictObject({ correct: flag }),
  ),
  'binom.test': testRequestSchema(
    z.literal('binom.test'),
    1,
    1,
    z.strictObject({ success, p: probability.optional(), alternative, 'conf.level': confLevel }),
  ),
  'prop.test': testRequestSchema(
    z.literal('prop.test'),
    1,
    2,
    z.strictObject({
      success,
      p: z.union([probability, z.array(probability).min(1).max(LIMITS.labels)]).optional(),
      alternative,
      correct: flag,
      'conf.level': confLevel,
    }),
  ),
  'cor.test': testRequestSchema(
    z.literal('cor.test'),
    2,
    2,
    z.strictObject({
      method: z.enum(['pearson', 'spearman', 'kendall']).optional(),
      alternative,
      'conf.level': confLevel,
      exact: flag,
    }),
  ),
} as const;
