/**
 * A minimal JWT-signing JSON-RPC client for the dev engine, for tests and devnet scripts (the node has its own
 * client in shared/engine). `call` resolves with the result or rejects with an {@link RpcError} carrying the code.
 *
 * @example
 * const engine = devEngineClient(url, secret)
 * const { payloadStatus } = await engine.call('engine_forkchoiceUpdatedV3', [state, null])
 */
import { RpcError } from './engine-rules.ts'
import { parseJwtSecret, signEngineJwt } from './jwt.ts'

export type DevEngineClient = {
  call<T = any>(method: string, params?: unknown[]): Promise<T>
  /** The JSON-RPC error of a call that must fail. */
  error(method: string, params?: unknown[]): Promise<{ code: number; message: string }>
}

export function devEngineClient(url: string, jwtSecret: string, now: () => number = Date.now): DevEngineClient {
  const secret = parseJwtSecret(jwtSecret)
  let id = 0
  const send = async (method: string, params: unknown[]) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${signEngineJwt(secret, now() / 1000)}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
    })
    if (!res.ok) throw new Error(`${method}: HTTP ${res.status} ${await res.text()}`)
    return (await res.json()) as { result?: unknown; error?: { code: number; message: string } }
  }
  return {
    async call(method, params = []) {
      const body = await send(method, params)
      if (body.error) throw new RpcError(body.error.code, `${method}: ${body.error.message}`)
      return body.result as never
    },
    async error(method, params = []) {
      const body = await send(method, params)
      if (!body.error) throw new Error(`${method} succeeded: ${JSON.stringify(body.result)}`)
      return body.error
    },
  }
}
