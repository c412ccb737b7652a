import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Absolute path of test/fixtures. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures')

/** Absolute path of a file under test/fixtures. */
export const fixture = (name: string) => join(FIXTURES, name)
