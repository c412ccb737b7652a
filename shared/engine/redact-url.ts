/**
 * Endpoint URLs without their secrets, for error messages and logs (STYLE.md "viem": an error helper strips
 * credentials from URLs so logs never leak RPC keys). Node operators put credentials in three places: the userinfo
 * (`https://user:pass@host`), a path segment (`https://host/v2/<api key>`) and the query (`?apikey=…`). All three are
 * masked; the fragment is dropped. Masking a harmless segment now and then is the accepted price.
 *
 * Used by the engine client and meant for every other outbound client (the L1 source).
 *
 * @example
 * redactUrl('https://me:pw@rpc.example/v2/9f8e7d6c5b4a39281706?key=s3cret#x') // 'https://***@rpc.example/v2/***?key=***'
 * redactUrl('http://127.0.0.1:8551') // 'http://127.0.0.1:8551'
 */

/**
 * A path segment that may be a key: 16+ characters, or 8+ mixing letters and digits. Keeps the usual route words
 * (`v2`, `rpc`, `mainnet`, `optimism-mainnet`, `engine`).
 */
function looksLikeKey(segment: string): boolean {
  let s = segment
  try {
    s = decodeURIComponent(segment)
  } catch {
    // keep the raw form
  }
  if (s.length >= 16 && !/^[a-z]+(-[a-z]+)*$/.test(s)) return true
  return s.length >= 8 && /[0-9]/.test(s) && /[a-z]/i.test(s)
}

/** The URL with userinfo, key-like path segments and every query value replaced by `***`; never throws. */
export function redactUrl(url: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return '<invalid url>'
  }
  const userinfo = u.username !== '' || u.password !== '' ? '***@' : ''
  const path = u.pathname
    .split('/')
    .map((segment) => (looksLikeKey(segment) ? '***' : segment))
    .join('/')
  const keys = [...new Set(u.searchParams.keys())]
  const query = u.search === '' ? '' : `?${keys.length === 0 ? '***' : keys.map((k) => `${encodeURIComponent(k)}=***`).join('&')}`
  return `${u.protocol}//${userinfo}${u.host}${path === '/' ? '' : path}${query}`
}

/**
 * `text` with every spelling of `url` a runtime might print (as given, as parsed, without userinfo, without the
 * trailing slash) replaced by {@link redactUrl}. For messages of network errors, which often quote the request URL.
 */
export function redactUrlIn(text: string, url: string): string {
  const spellings = new Set<string>([url])
  try {
    const u = new URL(url)
    spellings.add(u.href)
    spellings.add(u.href.replace(/\/$/, ''))
    u.username = ''
    u.password = ''
    spellings.add(u.href)
    spellings.add(u.href.replace(/\/$/, ''))
    // A bare path or query is quoted only when it holds something secret; common words are left alone.
    if (u.pathname.split('/').some(looksLikeKey)) spellings.add(u.pathname + u.search)
    if (u.search.length > 1) spellings.add(u.search)
  } catch {
    // not a URL: only the raw form can appear
  }
  const safe = redactUrl(url)
  let out = text
  // Longest first, so a prefix never leaves the tail of a longer spelling behind.
  for (const s of [...spellings].filter((s) => s.length > 1).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join(safe)
  }
  return out
}
