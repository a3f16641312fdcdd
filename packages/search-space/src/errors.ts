/** Base class of every error this project throws on purpose; `code` is stable across versions. */
export class NhbError extends Error {
  /** Stable machine-readable code, for example `ERR_INVALID_ARGUMENT`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A caller passed a value outside what is allowed; carries the parameter, the value and the allowed set. */
export class InvalidArgumentError extends NhbError {
  /** Name of the offending parameter, for example `batchSize`. */
  readonly parameter: string;
  /** The rejected value as given. */
  readonly value: unknown;
  /** Human-readable description of what is allowed. */
  readonly allowed: string;

  constructor(
    subsystem: string,
    parameter: string,
    value: unknown,
    allowed: string,
    what?: string,
  ) {
    const shown = typeof value === 'string' ? `'${value}'` : String(value);
    const subject = what ?? parameter;
    super(
      'ERR_INVALID_ARGUMENT',
      `${subsystem}: ${subject} ${shown} is not valid; allowed: ${allowed}`,
    );
    this.parameter = parameter;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Throws an `InvalidArgumentError` built lazily, so hot loops pay nothing when the check passes. */
export function assertArgument(ok: boolean, makeError: () => InvalidArgumentError): asserts ok {
  if (!ok) throw makeError();
}
