/**
 * The `type` of every PanthR object, zod-free so that the browser client checks replies
 * against the very list the server's schemas use (converters/client.ts exports it;
 * test/unit/object-types.test.ts checks it equals the schemas' union).
 */
export const OBJECT_TYPES = [
  'vector',
  'dataset',
  'filter',
  'command',
  'report',
  'test',
  'graph',
  'r',
  'note',
] as const;
