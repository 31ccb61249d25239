// The client asks the server for binary scalar values (`auth.binaryValues`, docs/api.md
// "Receiving binary values"), so that the server never turns millions of numbers into JSON
// for it (a large upload's reply, the workspace sent on connect): that work is done here,
// in the browser, once per message. Long text values arrive coded (their distinct strings
// and int32 codes) and are made plain here too. DOM-free.
import {
  binaryToJson,
  isBinaryValues,
  isWireCodes,
  mapValuesKeys,
  wireTextValues,
} from '../../converters/client.ts';

/** Socket.IO's handshake auth that asks for binary values. */
export const BINARY_VALUES_AUTH = { binaryValues: true } as const;

/**
 * `payload` with every binary `values` (an ArrayBuffer as Socket.IO delivers it in a
 * browser, or a typed array) as JSON values: numbers, null for missing, "Inf"/"-Inf"; and
 * every coded text `values` as its strings and nulls.
 */
export function jsonValues<T>(payload: T): T {
  return mapValuesKeys(payload, (v) =>
    v instanceof ArrayBuffer
      ? binaryToJson(new Uint8Array(v))
      : isBinaryValues(v)
        ? binaryToJson(v)
        : isWireCodes(v)
          ? plainText(v)
          : v,
  );
}

/** Coded text made plain; a look-alike that is not (a user's own object) stays as it is. */
function plainText(v: Parameters<typeof wireTextValues>[0]): unknown {
  try {
    return wireTextValues(v);
  } catch {
    return v;
  }
}
