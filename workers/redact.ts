/**
 * URL redaction for the L1 source's errors and logs: the one implementation lives in `shared/engine/redact-url.ts`
 * (userinfo, key-like path segments and query values become `***`).
 */
import { redactUrl, redactUrlIn } from '../shared/engine/redact-url.ts'

export { redactUrl }

/** `text` with every spelling of each URL replaced by its redacted form. */
export function redactUrlsIn(text: string, urls: readonly string[]): string {
  return urls.reduce((out, url) => redactUrlIn(out, url), text)
}
