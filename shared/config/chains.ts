/**
 * Named chains: the superchain-registry chains (generated) and the local devnet.
 */
import type { Hex } from '../bytes.ts'
import { REGISTRY_CHAINS } from './chains.generated.ts'
import { L1_NETWORKS } from './l1-networks.ts'
import type { RollupConfig } from './rollup-config.ts'

export const CHAIN_NAMES = ['op-mainnet', 'base', 'op-sepolia', 'base-sepolia', 'unichain', 'unichain-sepolia', 'devnet'] as const
export type ChainName = (typeof CHAIN_NAMES)[number]

const ZERO32 = `0x${'00'.repeat(32)}` as Hex

/** Parameters the devnet learns when it starts (anvil's genesis block and the engine's genesis). */
export type DevnetGenesis = { l1: { hash: Hex; number: number }; l2: { hash: Hex; number: number }; l2Time: number }

/**
 * The local devnet (`npm start`): anvil as L1 (chain id 31337), every fork through Jovian active at genesis and
 * Karst too, 2-second blocks, a short sequencing window so tests cross it quickly. Addresses are the deterministic
 * deployment addresses of the devnet contracts (anvil's first account, nonces 0 and 1).
 */
export function devnetConfig(genesis?: DevnetGenesis): RollupConfig {
  return {
    name: 'devnet',
    genesis: {
      l1: genesis?.l1 ?? { hash: ZERO32, number: 0 },
      l2: genesis?.l2 ?? { hash: ZERO32, number: 0 },
      l2Time: genesis?.l2Time ?? 0,
      systemConfig: {
        batcherAddress: '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc',
        overhead: ZERO32,
        scalar: '0x010000000000000000000000000000000000000000000000000dbba0000007d0',
        gasLimit: 60_000_000n,
        eip1559Params: '0x0000000000000000',
        operatorFeeParams: ZERO32,
        minBaseFee: 0n,
        daFootprintGasScalar: 0,
      },
    },
    blockTime: 2,
    maxSequencerDrift: 600,
    seqWindowSize: 20,
    channelTimeout: 300,
    l1ChainId: 31337,
    l2ChainId: 901,
    forks: { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0, jovian: 0, karst: 0 },
    keepKarstUpgradeGas: false,
    batchInboxAddress: '0xff00000000000000000000000000000000000901',
    depositContractAddress: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
    l1SystemConfigAddress: '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512',
    chainOpConfig: { eip1559Elasticity: 6, eip1559Denominator: 50, eip1559DenominatorCanyon: 250 },
    l1: L1_NETWORKS[31337],
    unsafeBlockSigner: '0x90f79bf6eb2c4f870365e785982e1f101e93b906',
  }
}

/** The chain with this name, or undefined. */
export function chainByName(name: string): RollupConfig | undefined {
  if (name === 'devnet') return devnetConfig()
  return REGISTRY_CHAINS.find((c) => c.name === name)
}

/** The registry chain with this L2 chain id, or undefined. */
export function chainById(l2ChainId: number): RollupConfig | undefined {
  return REGISTRY_CHAINS.find((c) => c.l2ChainId === l2ChainId)
}
