// Sending a CSV file: a small one as a `read` command (the server parses it); a large one
// is parsed here with the server's own CSV rules (converters/csv.ts, what `read` runs) and
// sent in parts (docs/api.md, "Uploading in parts"), scalar columns as binary float64, so
// that no message nears the server's 128 MB limit and each is a small piece of its work.
// Row slices are answered without their values: the model builds the dataset from what was
// sent, once the server's checksums of the values agree with this side's. DOM-free.
import {
  binaryToJson,
  isBinaryValues,
  parseCsv,
  SINGLE_MESSAGE_BYTES,
  uploadParts,
  type PanthrDataset,
  type PanthrVector,
} from '../../converters/client.ts';
import {
  isErrorObject,
  type Dataset,
  type LostReply,
  type PanthrObject,
  type Reply,
  type Vector,
} from './types.ts';

/** Sends one message and resolves with its reply's objects (the app's `request`). */
export type Requester = (objects: PanthrObject[]) => Promise<Reply[]>;

/**
 * Told, before an upload in row slices starts, what is sent (JSON values) and each
 * variable's checksum (the app passes its model's `expectUpload`).
 */
export type UploadExpect = (dataset: Dataset, checksums: Readonly<Record<string, string>>) => void;

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
  expect?: UploadExpect,
): Promise<Reply[]> {
  // UTF-16 units: a lower bound of the UTF-8 bytes, so small files go as before.
  if (text.length <= SINGLE_MESSAGE_BYTES) {
    return request([{ type: 'command', name, command: 'read', format: 'csv', text, ...csv }]);
  }
  const parsed = parseCsv(text, { name, ...csv });
  if (!parsed.ok) throw new Error(parsed.message);
  return sendDataset(request, parsed.dataset, onPart, expect);
}

/**
 * Sends a whole dataset (replacing one of that name): scalar columns as binary, in parts
 * when large. Resolves with the reply to the first part refused, or to the last part; an
 * upload in slices whose checksums the server does not confirm resolves with an error
 * object (`checksum_mismatch`).
 */
export async function sendDataset(
  request: Requester,
  ds: PanthrDataset,
  onPart: (done: number, total: number) => void = () => undefined,
  expect?: UploadExpect,
): Promise<Reply[]> {
  const variables = ds.variables.map(binaryColumn);
  const parts = uploadParts({ ...ds, variables });
  // uploadParts puts each group's checksums on its first slice (the server compares them).
  const checksums: Record<string, string> = {};
  for (const p of parts) Object.assign(checksums, p.slice?.checksums);
  if (parts.some((p) => p.slice !== undefined)) expect?.(asJson(ds), checksums);
  let reply: Reply[] = [];
  for (const [i, part] of parts.entries()) {
    reply = await request([part]);
    if (reply.some(isErrorObject)) return reply;
    const wrong = mismatch(reply, checksums);
    if (wrong !== null) return [wrong];
    onPart(i + 1, parts.length);
  }
  return reply;
}

/** The dataset with JSON values (how the model holds them). */
function asJson(ds: PanthrDataset): Dataset {
  const variables = ds.variables.map((v): Vector => ({
    ...v,
    values: isBinaryValues(v.values) ? binaryToJson(v.values) : [...v.values],
  }));
  return { ...ds, variables };
}

/** An error object when a last slice's reply names checksums other than those sent. */
function mismatch(
  reply: readonly Reply[],
  sent: Readonly<Record<string, string>>,
): LostReply | null {
  const o = reply[0];
  if (o === undefined || o.type !== 'dataset') return null;
  const got = (o.result as { checksums?: Record<string, string> } | undefined)?.checksums;
  if (got === undefined) return null;
  const bad = Object.keys(got).filter((n) => got[n] !== sent[n]);
  if (bad.length === 0) return null;
  return {
    type: 'error',
    name: o.name,
    code: 'checksum_mismatch',
    message: `The server holds other values than were sent for ${bad.join(', ')}: send the data again.`,
  };
}
