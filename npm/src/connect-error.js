// The error every vendo-connect call rejects (or throws) with (docs/options.md#common).
// A real Error subclass: `err instanceof ConnectError`, `err.code`, `err.detail`, `err.provider`.
// `static name` keeps `err.constructor.name === 'ConnectError'` through a minifier that
// renames the class (docs/decisions.md#connecterror-name).
export class ConnectError extends Error {
  static name = 'ConnectError';
  constructor(code, detail = null, provider = null) {
    super(detail ? `${code}: ${detail}` : String(code));
    this.name = 'ConnectError';
    this.code = code;
    this.detail = detail ?? null;
    this.provider = provider ?? null;
  }
}
