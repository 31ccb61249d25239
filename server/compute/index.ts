/**
 * The compute layer: one user's workspace held in one R session, running PanthR objects
 * (API.md §3) through PanthR.r without ever building R code from user text.
 */
export { WorkspaceRuntime } from './runtime.ts';
export type {
  ComputeErrorCode,
  ComputeErrorObject,
  PreparedValues,
  RunOptions,
  RunOutcome,
  RuntimeOptions,
} from './compute.types.ts';
export { checkSvg, UnsafeSvgError } from './svg.sanitize.ts';
