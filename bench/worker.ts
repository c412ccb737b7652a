/** A Worker that runs the derivation benchmark inside workerd (started by bench/workerd.ts under wrangler dev). */
import { benchDerive } from './derive.ts'

export default {
  async fetch(): Promise<Response> {
    return Response.json(benchDerive({ blocks: 600, rounds: 3 }))
  },
}
