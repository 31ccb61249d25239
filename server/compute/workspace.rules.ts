/**
 * What a change to a dataset does to the rest of the workspace (docs/api.md, "The
 * workspace sent on connect" and "Replacing a variable"):
 * - a `newvar` record stays only while it describes a variable the dataset holds: replacing
 *   or deleting the dataset, or defining the variable again, removes the older records;
 * - outputs (reports, tests, graphs) and filters computed from data that changed under them
 *   are stored again with `stale`, the reason in words, so no client shows them as current.
 */
import {
  parseFormula,
  type FormulaNode,
  type PanthrObject,
  type StoredPanthrObject,
} from '../../converters/index.ts';
import type { RunOutcome } from './compute.types.ts';

/** Object types whose result is computed from a dataset's values. */
const COMPUTED: ReadonlySet<string> = new Set(['report', 'test', 'graph', 'filter']);

/** A change to the data of one dataset: all of it, or one variable. */
interface DataChange {
  readonly dataset: string;
  /** The variable replaced; undefined when the whole dataset was replaced or removed. */
  readonly variable?: string;
  /** Why results computed before are stale; null when none are (a variable was added). */
  readonly stale: string | null;
}

/**
 * `outcome` of running `request` on a workspace holding `objects` (before the run), with
 * the records it supersedes removed and the results it leaves stale stored again, marked.
 * An outcome that stores and removes nothing (an error) is returned as it is.
 */
export function applyWorkspaceRules(
  objects: ReadonlyMap<string, StoredPanthrObject>,
  request: PanthrObject,
  outcome: RunOutcome,
): RunOutcome {
  if (outcome.store.length === 0 && outcome.remove.length === 0) return outcome;
  const changes = dataChanges(objects, request, outcome);
  if (changes.length === 0) return outcome;
  const touched = new Set([...outcome.store.map((o) => o.name), ...outcome.remove]);
  const remove: string[] = [];
  const stale: StoredPanthrObject[] = [];
  for (const o of objects.values()) {
    if (touched.has(o.name)) continue;
    if (changes.some((c) => supersedes(c, o))) remove.push(o.name);
    else {
      const change = changes.find((c) => isStaleAfter(c, o, objects));
      if (change?.stale != null) stale.push({ ...o, stale: change.stale });
    }
  }
  return {
    store: [...outcome.store, ...stale],
    remove: [...outcome.remove, ...remove],
    reply: outcome.reply,
    changed: [...(outcome.changed ?? []), ...stale],
  };
}

/** The data changes a successful run makes. */
function dataChanges(
  objects: ReadonlyMap<string, StoredPanthrObject>,
  request: PanthrObject,
  outcome: RunOutcome,
): DataChange[] {
  if (request.type === 'command' && request.command === 'newvar') {
    const { dataset, variable } = request;
    const before = objects.get(dataset);
    const replaced =
      before?.type === 'dataset' && before.variables.some((v) => v.name === variable);
    const why = `variable "${variable}" of dataset "${dataset}" was replaced after this was computed`;
    return [{ dataset, variable, stale: replaced ? why : null }];
  }
  const changes: DataChange[] = [];
  // Any other run that stores or removes the name of a dataset replaces or deletes it.
  for (const name of [...outcome.store.map((o) => o.name), ...outcome.remove]) {
    if (objects.get(name)?.type !== 'dataset') continue;
    const gone = !outcome.store.some((o) => o.name === name && o.type === 'dataset');
    const what = gone ? 'was deleted' : 'was replaced';
    changes.push({ dataset: name, stale: `dataset "${name}" ${what} after this was computed` });
  }
  return changes;
}

/** Whether `o` is a `newvar` record that `c` leaves describing nothing the dataset holds. */
function supersedes(c: DataChange, o: StoredPanthrObject): boolean {
  if (o.type !== 'command' || o.command !== 'newvar' || o.dataset !== c.dataset) return false;
  return c.variable === undefined || o.variable === c.variable;
}

/** Whether `o` was computed from data that `c` changed (a newvar adding a variable: no). */
function isStaleAfter(
  c: DataChange,
  o: StoredPanthrObject,
  objects: ReadonlyMap<string, StoredPanthrObject>,
): boolean {
  if (c.stale === null || !COMPUTED.has(o.type) || !('dataset' in o)) return false;
  if (o.dataset !== c.dataset) return false;
  if (c.variable === undefined) return true;
  return variablesUsed(o, objects).has(c.variable);
}

/** The variables `o` reads: named ones, `by`, and those of its filter's formula. */
function variablesUsed(
  o: StoredPanthrObject,
  objects: ReadonlyMap<string, StoredPanthrObject>,
): Set<string> {
  const used = new Set<string>();
  const rec = o as Record<string, unknown>;
  if (Array.isArray(rec['variables']))
    for (const v of rec['variables']) if (typeof v === 'string') used.add(v);
  if (typeof rec['by'] === 'string') used.add(rec['by']);
  if (o.type === 'filter') formulaVariables(o.formula, used);
  const filter = typeof rec['filter'] === 'string' ? objects.get(rec['filter']) : undefined;
  if (filter?.type === 'filter') formulaVariables(filter.formula, used);
  return used;
}

/** Adds the variable names of `formula` to `into` (none if it does not parse). */
function formulaVariables(formula: string, into: Set<string>): void {
  const parsed = parseFormula(formula);
  if (!parsed.ok) return;
  const walk = (n: FormulaNode): void => {
    switch (n.kind) {
      case 'variable':
        into.add(n.name);
        return;
      case 'unary':
        return walk(n.operand);
      case 'binary':
        walk(n.left);
        return walk(n.right);
      case 'call':
        return n.args.forEach(walk);
      case 'number':
      case 'string':
        return;
    }
  };
  walk(parsed.ast);
}
