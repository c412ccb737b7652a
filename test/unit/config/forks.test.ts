import { describe, expect, it } from 'vitest'
import { chainByName } from '../../../shared/config/chains.ts'
import {
  channelTimeout,
  isActivationBlock,
  isActive,
  l1InfoFormat,
  maxChannelBankSize,
  maxRlpBytesPerChannel,
  maxSequencerDrift,
} from '../../../shared/config/forks.ts'
import { blobUpdateFraction } from '../../../shared/config/l1-networks.ts'

const op = chainByName('op-mainnet')!

describe('isActive', () => {
  it('default: IsX(t) := x_time != null && t >= x_time', () => {
    expect(isActive(op, 'holocene', 1736445601)).toBe(true)
    expect(isActive(op, 'holocene', 1736445600)).toBe(false)
    expect(isActive(op, 'interop', 4_000_000_000)).toBe(false)
    expect(isActive(op, 'regolith', 0)).toBe(true)
  })
})

describe('isActivationBlock', () => {
  it('default: the first block at or after the fork time', () => {
    // OP Mainnet Karst: 1783526401 is odd while L2 timestamps are genesis (odd) + 2n, so the block at 1783526401 is it.
    expect(isActivationBlock(op, 'karst', 1783526401)).toBe(true)
    expect(isActivationBlock(op, 'karst', 1783526403)).toBe(false)
    expect(isActivationBlock(op, 'karst', 1783526399)).toBe(false)
  })

  it('behavior: a fork that is not on a block boundary activates at the next block', () => {
    const c = { blockTime: 2, forks: { jovian: 101 } }
    expect(isActivationBlock(c, 'jovian', 100)).toBe(false)
    expect(isActivationBlock(c, 'jovian', 102)).toBe(true)
    expect(isActivationBlock(c, 'jovian', 104)).toBe(false)
  })

  it('behavior: a fork active at genesis has no activation block', () => {
    const c = { blockTime: 2, forks: { ecotone: 0 } }
    expect(isActivationBlock(c, 'ecotone', 0)).toBe(false)
    expect(isActivationBlock(c, 'ecotone', 2)).toBe(false)
  })

  it('behavior: OP Mainnet Karst activation block is #153,963,812', () => {
    const number = op.genesis.l2.number + (1783526401 - op.genesis.l2Time) / op.blockTime
    expect(number).toBe(153_963_812)
  })
})

describe('fork constants', () => {
  it('default: channel timeout 300 → 50 at Granite (L1 time)', () => {
    expect(channelTimeout(op, 1726070400)).toBe(300)
    expect(channelTimeout(op, 1726070401)).toBe(50)
  })

  it('default: max sequencer drift 600 → 1800 at Fjord (L1 origin time)', () => {
    expect(maxSequencerDrift(op, 1720627200)).toBe(600)
    expect(maxSequencerDrift(op, 1720627201)).toBe(1800)
  })

  it('default: MAX_RLP_BYTES_PER_CHANNEL and MAX_CHANNEL_BANK_SIZE grow at Fjord', () => {
    expect(maxRlpBytesPerChannel(op, 1720627200)).toBe(10_000_000)
    expect(maxRlpBytesPerChannel(op, 1720627201)).toBe(100_000_000)
    expect(maxChannelBankSize(op, 1720627200)).toBe(100_000_000)
    expect(maxChannelBankSize(op, 1720627201)).toBe(1_000_000_000)
  })
})

describe('l1InfoFormat', () => {
  it('default: each activation block keeps the previous format', () => {
    expect(l1InfoFormat(op, 1710374399)).toBe('bedrock')
    expect(l1InfoFormat(op, 1710374401)).toBe('bedrock') // Ecotone activation block
    expect(l1InfoFormat(op, 1710374403)).toBe('ecotone')
    expect(l1InfoFormat(op, 1746806401)).toBe('ecotone') // Isthmus activation block
    expect(l1InfoFormat(op, 1746806403)).toBe('isthmus')
    expect(l1InfoFormat(op, 1764691201)).toBe('isthmus') // Jovian activation block
    expect(l1InfoFormat(op, 1764691203)).toBe('jovian')
    expect(l1InfoFormat(op, 1783526401)).toBe('jovian') // Karst keeps Jovian's format
  })
})

describe('blobUpdateFraction', () => {
  it('default: mainnet schedule Cancun → Prague → BPO1 → BPO2', () => {
    expect(blobUpdateFraction(op.l1, 1710338134)).toBeUndefined()
    expect(blobUpdateFraction(op.l1, 1710338135)).toBe(3_338_477n)
    expect(blobUpdateFraction(op.l1, 1746612311)).toBe(5_007_716n)
    expect(blobUpdateFraction(op.l1, 1764798551)).toBe(5_007_716n)
    expect(blobUpdateFraction(op.l1, 1765290071)).toBe(8_346_193n)
    expect(blobUpdateFraction(op.l1, 1767747671)).toBe(11_684_671n)
  })

  it('behavior: pectra_blob_schedule_time keeps the Cancun fraction before it (Sepolia)', () => {
    const s = chainByName('op-sepolia')!
    expect(blobUpdateFraction(s.l1, 1741159776, s.pectraBlobScheduleTime)).toBe(3_338_477n)
    expect(blobUpdateFraction(s.l1, 1742486400, s.pectraBlobScheduleTime)).toBe(5_007_716n)
  })
})
