import { NhbError } from '@nashpobench2/search-space';

/** A valid key that the loaded benchmark holds no data for (a partial benchmark, a missing seed). */
export class MissingDataError extends NhbError {
  constructor(message: string) {
    super('ERR_MISSING_DATA', message);
  }
}

/** A benchmark file or pickle that cannot be read: truncated, malformed, wrong version, hostile. */
export class FormatError extends NhbError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_FORMAT', message, options);
  }
}
