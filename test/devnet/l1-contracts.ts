/**
 * The devnet's L1 contracts: minimal event emitters installed with `anvil_setCode` at the chain's OptimismPortal and
 * SystemConfig addresses, so the node reads real `TransactionDeposited` and `ConfigUpdate` logs from the configured
 * addresses. Calldata = the event's topics (32 bytes each) followed by its data; the contract emits exactly that.
 */
import { concatBytes, fromHex, toHex, type Hex } from '../../shared/bytes.ts'
import { DEPOSIT_EVENT_TOPIC, depositLogData, type DepositLogDataParameters } from '../../shared/protocol/deposit-log.ts'
import { configUpdateLog, type ConfigUpdateType, type ConfigUpdateValue } from '../../shared/protocol/system-config.ts'

/** LOG4(memory[0:cds-128], cd[0:32], cd[32:64], cd[64:96], cd[96:128]) with memory = cd[128:]. */
export const LOG4_EMITTER: Hex = '0x60803603806080600037606035604035602035600035846000a400'
/** LOG3(memory[0:cds-96], cd[0:32], cd[32:64], cd[64:96]) with memory = cd[96:]. */
export const LOG3_EMITTER: Hex = '0x60603603806060600037604035602035600035836000a300'

const word = (address: Hex) => concatBytes(new Uint8Array(12), fromHex(address))

/** Calldata that makes the portal emitter log a deposit from `from` to `to`. */
export function depositCalldata(from: Hex, to: Hex | null, p: DepositLogDataParameters): Hex {
  return toHex(concatBytes(fromHex(DEPOSIT_EVENT_TOPIC), word(from), to ? word(to) : new Uint8Array(32), new Uint8Array(32), depositLogData(p)))
}

/** Calldata that makes the SystemConfig emitter log a ConfigUpdate. */
export function configUpdateCalldata<T extends ConfigUpdateType>(type: T, value: ConfigUpdateValue[T], systemConfig: Hex): Hex {
  const log = configUpdateLog(type, value, systemConfig)
  return toHex(concatBytes(...log.topics.map(fromHex), fromHex(log.data)))
}

/** `keccak256("systemconfig.unsafeblocksigner")`: where SystemConfig keeps the p2p unsafe-block signer. */
const UNSAFE_BLOCK_SIGNER_SLOT = '0x65a7ed542fb37fe237fdfbdd70b31598523fe5b32879e307bae27a0bd9581c08'

/** Install both emitters on an anvil node, and the unsafe-block signer in SystemConfig's storage (runtime config). */
export async function installL1Contracts(l1Url: string, portal: Hex, systemConfig: Hex, unsafeBlockSigner?: Hex): Promise<void> {
  if (unsafeBlockSigner) {
    const word = `0x${unsafeBlockSigner.slice(2).toLowerCase().padStart(64, '0')}`
    const res = await fetch(l1Url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'anvil_setStorageAt', params: [systemConfig, UNSAFE_BLOCK_SIGNER_SLOT, word] }) })
    const body = (await res.json()) as { error?: { message: string } }
    if (body.error) throw new Error(`anvil_setStorageAt: ${body.error.message}`)
  }
  for (const [address, code] of [[portal, LOG4_EMITTER], [systemConfig, LOG3_EMITTER]] as const) {
    const res = await fetch(l1Url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'anvil_setCode', params: [address, code] }) })
    const body = (await res.json()) as { error?: { message: string } }
    if (body.error) throw new Error(`anvil_setCode: ${body.error.message}`)
  }
}
