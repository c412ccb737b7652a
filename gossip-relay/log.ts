/**
 * Structured logs of the relay: one JSON object per line on stdout, `{"t":<ISO time>,"event":<name>,…fields}`.
 * Every event name is in {@link RelayEvent}, so a new one is added here first. Fields are data about peers and
 * blocks; the ingress secret is never passed to the logger, and URLs are logged through {@link redactUrl}.
 */

import type { DiscoveryEvent } from './discovery.ts'

export type RelayEvent =
  | DiscoveryEvent
  | 'relay-starting'
  | 'relay-started'
  | 'relay-stopping'
  | 'relay-stopped'
  | 'key-created'
  | 'key-loaded'
  | 'key-ephemeral'
  | 'peer-connected'
  | 'peer-disconnected'
  | 'static-peer-dial-failed'
  | 'discovery-disabled'
  | 'discovery-failed'
  | 'discovered-peer-dial-failed'
  | 'block-accepted'
  | 'block-ignored'
  | 'block-rejected'
  | 'validator-error'
  | 'forward-delivered'
  | 'forward-retry'
  | 'forward-refused'
  | 'forward-dropped'
  | 'publish-accepted'
  | 'publish-refused'
  | 'publish-failed'
  | 'signer-updated'
  | 'http-auth-failed'
  | 'http-error'
  | 'shutdown-signal'
  | 'fatal'

export type LogFields = Record<string, unknown>
export type Logger = (event: RelayEvent, fields?: LogFields) => void

/** A logger writing JSON lines to `write` (stdout by default). Bytes become 0x hex, bigints decimal strings. */
export function createLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  return function log(event, fields = {}) {
    write(JSON.stringify({ t: new Date().toISOString(), event, ...fields }, jsonValue))
  }
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = () => {}

function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString(10)
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`
  if (value instanceof Error) return { name: value.name, message: value.message }
  return value
}

/** Origin and path of a URL without credentials, query or fragment (an ingress URL may carry a token). */
export function redactUrl(url: string | URL): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return '<invalid url>'
  }
}
