/**
 * The `note` object (API.md "Workspaces in API 1.1"): Markdown text among a workspace's
 * outputs, shown as text (never as HTML) by the client and the reports.
 */
import { z } from 'zod';
import { baseShape } from './common.schema.ts';

/** Longest note text, in characters. */
export const NOTE_MAX_TEXT = 100_000;

/** A note: `{"type":"note","name","text"}`. */
export const noteSchema = z.object({
  type: z.literal('note'),
  ...baseShape,
  text: z.string().max(NOTE_MAX_TEXT),
});

/** A note. */
export type PanthrNote = z.infer<typeof noteSchema>;
