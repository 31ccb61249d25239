/** Types for the untyped npm `rserve-client` 0.3.5 (benchmark baseline only). */
declare module 'rserve-client' {
  export interface RserveClient {
    evaluate(code: string, callback: (err: Error | null, value: unknown) => void): void;
    end(): void;
  }
  export function connect(
    host: string,
    port: number,
    callback: (err: Error | null, client: RserveClient) => void,
  ): unknown;
}
