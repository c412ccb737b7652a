/**
 * The one error the L1 source throws for bad or missing upstream data (DESIGN.md "Errors"). Every case is
 * `temporary`: another endpoint or a later tick may answer correctly, and nothing partial was returned or cached.
 * Branch on `code`, never on the message. Messages name endpoints only through `redactUrl`.
 */
import { OpEdgeError, type OpEdgeErrorOptions } from '../shared/errors.ts'

export type L1SourceErrorCode =
  | 'http-network'
  | 'http-status'
  | 'rpc-malformed'
  | 'rpc-error'
  | 'block-missing'
  | 'block-malformed'
  | 'block-number-mismatch'
  | 'block-hash-mismatch'
  | 'block-hash-chain-broken'
  | 'block-roots-mismatch'
  | 'tx-sender-mismatch'
  | 'log-malformed'
  | 'log-removed'
  | 'log-outside-range'
  | 'log-not-in-bloom'
  | 'beacon-malformed'
  | 'blob-missing'
  | 'blob-invalid'

export class L1SourceError extends OpEdgeError {
  override name = 'L1SourceError'
  readonly code: L1SourceErrorCode

  constructor(code: L1SourceErrorCode, shortMessage: string, options: OpEdgeErrorOptions = {}) {
    super('temporary', shortMessage, options)
    this.code = code
  }
}

/**
 * Run `attempt` against each endpoint in order until one succeeds. A temporary failure moves on to the next one;
 * anything else (a bug) propagates at once. When all fail, the last failure is rethrown with every attempt in its
 * details, so the code names the most recent cause.
 */
export async function withFailover<T>(
  endpoints: readonly string[],
  attempt: (url: string) => Promise<T>,
  describe: (url: string) => string,
): Promise<T> {
  const failures: { url: string; error: L1SourceError }[] = []
  for (const url of endpoints) {
    try {
      return await attempt(url)
    } catch (e) {
      if (!(e instanceof L1SourceError)) throw e
      failures.push({ url, error: e })
    }
  }
  const last = failures.at(-1)
  if (last === undefined) throw new L1SourceError('http-network', 'no endpoints configured')
  if (failures.length === 1) throw last.error
  const details = failures.map((f) => `${describe(f.url)}: ${f.error.shortMessage}`).join('; ')
  throw new L1SourceError(last.error.code, `${last.error.shortMessage} (all ${failures.length} endpoints failed)`, {
    details,
    cause: last.error,
  })
}
