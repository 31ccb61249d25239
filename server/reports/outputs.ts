/**
 * What an export or a report takes from a workspace: its datasets and its outputs (reports,
 * tests, graphs that have a result, and notes) in workspace order.
 */
import type { PanthrDataset } from '../../converters/index.ts';
import type { StoredObject } from '../store/index.ts';

/** The kinds of objects a report shows. */
export const OUTPUT_TYPES: ReadonlySet<string> = new Set(['report', 'test', 'graph', 'note']);

/**
 * The name prefix of a client's own helper views (the browser's variable view: `view.sum.*`,
 * `view.graph.*`): kept in the workspace, never shown in a report or its R script
 * (docs/api.md, "Exports and reports").
 */
export const VIEW_PREFIX = 'view.';

/** A workspace as the exports see it. */
export interface WorkspaceContent {
  readonly name: string;
  readonly datasets: readonly PanthrDataset[];
  readonly outputs: readonly StoredObject[];
}

/** A result's fields (an output's `result`, an object; `{}` for a note or none). */
export function resultOf(o: StoredObject): Readonly<Record<string, unknown>> {
  const r = o['result'];
  return typeof r === 'object' && r !== null && !Array.isArray(r)
    ? (r as Record<string, unknown>)
    : {};
}

/** The heading of an output: its `label`, else its name. */
export function titleOf(o: StoredObject): string {
  const label = o['label'];
  return typeof label === 'string' && label.trim() !== '' ? label : o.name;
}

/** The datasets and outputs of `objects` (a workspace's, in order). */
export function workspaceContent(name: string, objects: readonly StoredObject[]): WorkspaceContent {
  const datasets: PanthrDataset[] = [];
  const outputs: StoredObject[] = [];
  for (const o of objects) {
    // Sound: the store holds only objects validateObject accepted (realtime/store.adapter.ts).
    if (o['type'] === 'dataset') datasets.push(o);
    else if (o.name.startsWith(VIEW_PREFIX)) continue;
    else if (o['type'] === 'note' && typeof o['text'] === 'string') outputs.push(o);
    else if (OUTPUT_TYPES.has(String(o['type'])) && Object.keys(resultOf(o)).length > 0)
      outputs.push(o);
  }
  return { name, datasets, outputs };
}
