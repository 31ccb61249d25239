// The data changes the client's views make (API 1.1): a cell edit, a variable's type,
// levels and missing-value codes, deleting a dataset, a filter or a variable. Each is one
// request; each resolves with the server's error message, or null when it was done. The
// server records every one of them in the workspace's history, so Ctrl+Z undoes it.
import type { App } from './app.ts';
import { editCommand } from './cell-edit.ts';
import type { Cell, CommandOf, Dataset, MissingCode, PanthrObject, VariableType } from './types.ts';
import { replyError } from './types.ts';
import { sendDataset } from './upload.ts';

let counter = 0;
/** A name for a command the workspace does not keep (`view.`: hidden like helper requests). */
const commandName = (what: string): string => `view.${what}${++counter}`;

async function run(app: App, objects: PanthrObject[], fallback: string): Promise<string | null> {
  const reply = await app.request(objects);
  return replyError(reply, fallback);
}

/** Sets row `row` (1-based) of `variable` to `value`. */
export function sendEdit(
  app: App,
  dataset: string,
  variable: string,
  row: number,
  value: Cell,
): Promise<string | null> {
  const o = editCommand(commandName('edit'), dataset, variable, row, value);
  return run(app, [o], 'The cell could not be changed.');
}

/**
 * `settype`: a new type and, when given, the missing-value codes (`[]` removes them) and
 * the decimal mark of texts turned into numbers.
 */
export function sendSettype(
  app: App,
  dataset: string,
  variable: string,
  variableType: VariableType,
  missing?: MissingCode[],
  decimal: '.' | ',' = '.',
): Promise<string | null> {
  const o: CommandOf<'settype'> = {
    type: 'command',
    name: commandName('settype'),
    command: 'settype',
    dataset,
    variable,
    variableType,
    ...(missing === undefined ? {} : { missing }),
    ...(decimal === ',' ? { decimal } : {}),
  };
  return run(app, [o], 'The type could not be changed.');
}

/** `levels`: a new order (`labels`) or new names (`rename`, old -> new). */
export function sendLevels(
  app: App,
  dataset: string,
  variable: string,
  change: { labels: string[] } | { rename: Record<string, string> },
): Promise<string | null> {
  const o: CommandOf<'levels'> = {
    type: 'command',
    name: commandName('levels'),
    command: 'levels',
    dataset,
    variable,
    ...change,
  };
  return run(app, [o], 'The levels could not be changed.');
}

/** Deletes an object of the workspace (a dataset, a filter). */
export function deleteObject(app: App, target: string): Promise<string | null> {
  const o: CommandOf<'delete'> = {
    type: 'command',
    name: commandName('delete'),
    command: 'delete',
    target,
  };
  return run(app, [o], `"${target}" could not be deleted.`);
}

/**
 * Deletes one variable: the API has no command for it, so the dataset is sent again
 * without it (a recorded change like any upload, undone by Ctrl+Z; results that used the
 * variable say they cannot be computed again).
 */
export async function deleteVariable(
  app: App,
  ds: Dataset,
  variable: string,
): Promise<string | null> {
  if (ds.variables.length <= 1)
    return 'A dataset needs at least one variable: delete the dataset instead.';
  const kept: Dataset = {
    type: 'dataset',
    name: ds.name,
    ...(ds.label === undefined ? {} : { label: ds.label }),
    ...(ds.description === undefined ? {} : { description: ds.description }),
    variables: ds.variables.filter((v) => v.name !== variable),
  };
  const reply = await sendDataset(
    (objects) => app.request(objects),
    kept,
    undefined,
    (d, c) => app.model.expectUpload(d, c),
  );
  return replyError(reply, `"${variable}" could not be deleted.`);
}
