import { DecodeError } from '../../shared/errors.ts'

/** The code of the DecodeError `fn` throws, or undefined if it returns; any other error is rethrown. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof DecodeError) return e.code
    throw e
  }
  return undefined
}
