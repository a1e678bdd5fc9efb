// The error every vendo-connect call rejects (or throws) with (docs/options.md#common).
// A real Error subclass: `err instanceof ConnectError`, `err.code`, `err.detail`, `err.provider`.
export class ConnectError extends Error {
  constructor(code, detail = null, provider = null) {
    super(detail ? `${code}: ${detail}` : String(code));
    this.name = 'ConnectError';
    this.code = code;
    this.detail = detail ?? null;
    this.provider = provider ?? null;
  }
}
