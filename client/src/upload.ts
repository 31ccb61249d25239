// Sending a CSV file: a small one as a `read` command (the server parses it); a large one
// is parsed here with the server's own CSV rules (converters/csv.ts, what `read` runs) and
// sent in parts (docs/api.md, "Uploading in parts"), scalar columns as binary float64, so
// that no message nears the server's 128 MB limit and each is a small piece of its work.
// DOM-free.
import {
  parseCsv,
  SINGLE_MESSAGE_BYTES,
  uploadParts,
  type PanthrDataset,
  type PanthrVector,
} from '../../converters/client.ts';
import { isErrorObject, type PanthrObject, type Reply } from './types.ts';

/** Sends one message and resolves with its reply's objects (the app's `request`). */
export type Requester = (objects: PanthrObject[]) => Promise<Reply[]>;

/** A scalar column as binary when nothing is lost (numbers and missing values only). */
function binaryColumn(v: PanthrVector): PanthrVector {
  if (v.variableType !== 'scalar' || !Array.isArray(v.values)) return v;
  const values = v.values as readonly unknown[];
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x === 'number') out[i] = x;
    else if (x === null) out[i] = NaN;
    else return v;
  }
  return { ...v, values: out };
}

/**
 * Sends CSV `text` as dataset `name`; `onPart(done, total)` reports the parts sent. Resolves
 * with the reply to the `read`, or to the first part refused, or to the last part; rejects
 * (before anything is sent) when a large file cannot be read, with the server's message.
 */
export async function sendCsv(
  request: Requester,
  name: string,
  text: string,
  onPart: (done: number, total: number) => void = () => undefined,
  csv: { separator?: string; decimal?: '.' | ',' } = {},
): Promise<Reply[]> {
  // UTF-16 units: a lower bound of the UTF-8 bytes, so small files go as before.
  if (text.length <= SINGLE_MESSAGE_BYTES) {
    return request([{ type: 'command', name, command: 'read', format: 'csv', text, ...csv }]);
  }
  const parsed = parseCsv(text, { name, ...csv });
  if (!parsed.ok) throw new Error(parsed.message);
  return sendDataset(request, parsed.dataset, onPart);
}

/**
 * Sends a whole dataset (replacing one of that name): scalar columns as binary, in parts
 * when large. Resolves with the reply to the first part refused, or to the last part.
 */
export async function sendDataset(
  request: Requester,
  ds: PanthrDataset,
  onPart: (done: number, total: number) => void = () => undefined,
): Promise<Reply[]> {
  const variables = ds.variables.map(binaryColumn);
  let reply: Reply[] = [];
  const parts = uploadParts({ ...ds, variables });
  for (const [i, part] of parts.entries()) {
    reply = await request([part]);
    if (reply.some(isErrorObject)) return reply;
    onPart(i + 1, parts.length);
  }
  return reply;
}
