import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, keccak, toHex } from '../../../shared/bytes.ts'
import { OUTPUT_VERSION_V0, outputRootV0 } from '../../../shared/protocol/output-root.ts'

const word = (hex: string) => fromHex(`0x${hex.padStart(64, '0')}`)

describe('outputRootV0', () => {
  it('default', () => {
    // kona `test_hash_output_root` (op-rs/kona@30ca2bf1f4bbd18e3590d846ee4e9a8822d587e6:
    // crates/protocol/protocol/src/output_root.rs): state 0xbeef, storage 0xbabe, block hash 0xc0de.
    const root = outputRootV0({ stateRoot: word('beef'), withdrawalStorageRoot: word('babe'), blockHash: word('c0de') })
    expect(toHex(root)).toBe('0x0c39fb6b07cf6694b13e63e59f7b15255be1c93a4d6d3e0da6c99729647c0d11')
  })

  it('behavior: §4 output root v0 = keccak256(bytes32(0) ‖ stateRoot ‖ withdrawalStorageRoot ‖ blockHash)', () => {
    // kona `test_encode_output_root`: the 128-byte preimage.
    const preimage = concatBytes(OUTPUT_VERSION_V0, word('beef'), word('babe'), word('c0de'))
    const pad = (h: string) => h.padStart(64, '0')
    expect(toHex(preimage)).toBe(`0x${pad('')}${pad('beef')}${pad('babe')}${pad('c0de')}`)
    const a = word('01'.repeat(32))
    const b = word('02'.repeat(32))
    const c = word('03'.repeat(32))
    const root = outputRootV0({ stateRoot: a, withdrawalStorageRoot: b, blockHash: c })
    expect(root).toEqual(keccak(concatBytes(new Uint8Array(32), a, b, c)))
    // Field order matters.
    expect(outputRootV0({ stateRoot: b, withdrawalStorageRoot: a, blockHash: c })).not.toEqual(root)
  })

  it('error: fields must be 32 bytes', () => {
    const short = { stateRoot: new Uint8Array(31), withdrawalStorageRoot: word('1'), blockHash: word('2') }
    expect(() => outputRootV0(short)).toThrow(RangeError)
  })
})
