/**
 * The relay's network identity: a secp256k1 key (PROTOCOL.md §5 "Identity"; peer ids `16Uiu2…` as in OP), separate
 * from any sequencer key.
 *
 * The key file holds the 32-byte private key as hex, the format of op-node's `--p2p.priv.path` (no `0x`, though `0x`
 * and surrounding whitespace are accepted when reading), so an op-node key file can be reused. A missing file is
 * created with mode 0600; without a path the key is generated anew at every start.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromRaw } from '@libp2p/crypto/keys'
import { RelayConfigError } from './config.ts'
import type { PrivateKey } from './host.ts'

export type LoadIdentityReturnType = { privateKey: PrivateKey; source: 'loaded' | 'created' | 'ephemeral' }

/**
 * Reads the key at `path`, or creates it there, or (no path) generates an ephemeral one.
 *
 * @throws RelayConfigError (`--key-file`) if the file exists but does not hold a 32-byte hex key.
 */
export async function loadIdentity(path: string | undefined): Promise<LoadIdentityReturnType> {
  if (path === undefined) return { privateKey: await generateKeyPair('secp256k1'), source: 'ephemeral' }
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8').trim().replace(/^0x/i, '')
    if (!/^[0-9a-fA-F]{64}$/.test(text)) {
      throw new RelayConfigError('--key-file', `${path} does not hold a 32-byte hex secp256k1 key`)
    }
    let privateKey: PrivateKey
    try {
      privateKey = privateKeyFromRaw(Buffer.from(text, 'hex'))
    } catch {
      throw new RelayConfigError('--key-file', `${path} is not a valid secp256k1 key`)
    }
    return { privateKey, source: 'loaded' }
  }
  const privateKey = await generateKeyPair('secp256k1')
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, Buffer.from(privateKey.raw).toString('hex'), { mode: 0o600, flag: 'wx' })
  chmodSync(path, 0o600)
  return { privateKey, source: 'created' }
}
