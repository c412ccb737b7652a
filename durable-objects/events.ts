/**
 * The names of everything the node records for the status page and logs: one union, one place (STYLE.md #10).
 */
export type NodeEventKind =
  | 'started'
  | 'heads-initialized'
  | 'safe-advanced'
  | 'unsafe-advanced'
  | 'finalized-advanced'
  | 'consolidated'
  | 'attributes-built'
  | 'attributes-invalid'
  | 'derivation-reset'
  | 'l1-reorg'
  | 'stale-cursor'
  | 'engine-error'
  | 'critical'
  | 'unsafe-dropped'
  | 'gossip-rejected'
  | 'el-sync-started'
  | 'el-sync-finished'
  | 'signer-updated'
  | 'sequencer-started'
  | 'sequencer-stopped'
  | 'sequencer-waiting'
  | 'sequencer-discarded'
  | 'sequencer-error'
  | 'publish-failed'
  | 'batcher-channel-opened'
  | 'batcher-channel-confirmed'
  | 'batcher-channel-abandoned'

/** An event's detail: flat scalars (stored as JSON; `unknown` or deep types would not survive the typed RPC stub). */
export type EventDetail = Record<string, string | number | boolean | null>

export type NodeEvent = { id: number; at: number; kind: NodeEventKind; detail: EventDetail }

/** How many events the object keeps. */
export const MAX_EVENTS = 500
