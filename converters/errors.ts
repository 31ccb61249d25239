/** The one error converters throw; `code` is the API.md error code the server answers with. */
export class ConversionError extends Error {
  /** `invalid_object`: the PanthR input is wrong; `r_error`: R gave a value with no PanthR form. */
  readonly code: 'invalid_object' | 'r_error';
  constructor(code: 'invalid_object' | 'r_error', message: string) {
    super(message);
    this.name = 'ConversionError';
    this.code = code;
  }
}
