/**
 * The op-edge Worker: HTTP (Hono) and, with later issues, the derive and batcher cron ticks.
 */
import { Hono } from 'hono'
import { chainByName } from '../shared/config/chains.ts'

export { RollupNode } from '../durable-objects/rollup-node.ts'

const app = new Hono<{ Bindings: Env }>()

app.get('/healthz', async (c) => {
  const chain = chainByName(c.env.CHAIN)
  if (!chain) {
    return c.json({ ok: false, reason: `CHAIN: unknown chain "${c.env.CHAIN}"` }, 503)
  }
  const stub = c.env.ROLLUP_NODE.get(c.env.ROLLUP_NODE.idFromName(`${chain.name}:verifier`))
  const info = await stub.info()
  return c.json({ ok: true, chain: chain.name, l2ChainId: chain.l2ChainId, node: info })
})

app.notFound((c) => c.json({ error: 'not found' }, 404))

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>
