/** Bearer-token checks for state-changing endpoints, compared in constant time. */

/** Constant-time equality of two strings (length leaks, content does not). */
export function safeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a)
  const y = new TextEncoder().encode(b)
  let diff = x.length ^ y.length
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0)
  return diff === 0
}

/** Whether the request carries `Authorization: Bearer <token>` for the configured token. */
export function hasBearer(header: string | null | undefined, token: string | undefined): boolean {
  if (!token || !header) return false
  const m = /^Bearer\s+(.+)$/i.exec(header.trim())
  return m !== null && safeEqual(m[1], token)
}
