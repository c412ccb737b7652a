/**
 * Strip credentials from endpoint URLs before they reach an error message or a log (STYLE.md, viem's URL helper).
 * Providers carry API keys in the userinfo (`https://user:key@host`), in a path segment (`/v2/<key>`) or in the
 * query (`?apikey=…`); all three are masked. Over-masking a harmless segment is the accepted price.
 *
 * @example
 * redactUrl('https://user:pw@eth.example/v2/abcd1234efgh5678?key=s3cret') // 'https://***@eth.example/v2/***?key=***'
 */

/** A segment that may be a key: long, or mixing letters and digits (`v2`, `rpc`, `mainnet` are kept). */
function looksSecret(segment: string): boolean {
  if (segment.length >= 16) return true
  return segment.length >= 8 && /\d/.test(segment) && /[a-z]/i.test(segment)
}

/** The URL with userinfo, key-like path segments and every query value replaced by `***`. */
export function redactUrl(url: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return '<unparseable url>'
  }
  const auth = u.username !== '' || u.password !== '' ? '***@' : ''
  const path = u.pathname
    .split('/')
    .map((s) => (looksSecret(s) ? '***' : s))
    .join('/')
  const query = u.search === '' ? '' : `?${[...new Set(u.searchParams.keys())].map((k) => `${k}=***`).join('&')}`
  return `${u.protocol}//${auth}${u.host}${path === '/' ? '' : path}${query}`
}

/** `text` with every occurrence of each raw URL (and its parsed form) replaced by {@link redactUrl}. */
export function redactUrlsIn(text: string, urls: readonly string[]): string {
  let out = text
  for (const url of urls) {
    // Runtimes print the parsed form (trailing slash added) and may drop the userinfo but keep a key in the path.
    const forms = new Set([url])
    try {
      const u = new URL(url)
      forms.add(u.href)
      u.username = ''
      u.password = ''
      forms.add(u.href)
      forms.add(u.href.replace(/\/$/, ''))
    } catch {
      // unparseable: only the raw form can appear
    }
    const longestFirst = [...forms].filter((f) => f !== '').sort((a, b) => b.length - a.length)
    for (const form of longestFirst) out = out.split(form).join(redactUrl(url))
  }
  return out
}
