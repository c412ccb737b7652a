/**
 * One base error with a typed severity (DESIGN.md "Errors"), plus `DecodeError` for malformed bytes.
 * Never branch on an error's message: branch on `severity` or `code`.
 */

/** temporary: retry later; reset: re-anchor the pipeline; critical: stop and say so. */
export type Severity = 'temporary' | 'reset' | 'critical'

export type OpEdgeErrorOptions = { details?: string; cause?: unknown }

/** Base class of every op-edge failure that is not a protocol drop. */
export class OpEdgeError extends Error {
  override name = 'OpEdgeError'
  readonly severity: Severity
  readonly shortMessage: string
  readonly details: string | undefined

  constructor(severity: Severity, shortMessage: string, options: OpEdgeErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, { cause: options.cause })
    this.severity = severity
    this.shortMessage = shortMessage
    this.details = options.details
  }
}

/**
 * Malformed input bytes. Codecs throw it with a typed `code` naming the rule that failed; the deriver turns it into a
 * drop trace entry, the CLI into a one-line message. It carries no severity: bad L1 data is dropped, not retried.
 */
export class DecodeError<Code extends string = string> extends Error {
  override name = 'DecodeError'
  readonly code: Code

  constructor(code: Code, message: string) {
    super(message)
    this.code = code
  }
}

/** Throw a DecodeError unless `condition` holds. */
export function ensure<Code extends string>(condition: unknown, code: Code, message: string): asserts condition {
  if (!condition) throw new DecodeError(code, message)
}
