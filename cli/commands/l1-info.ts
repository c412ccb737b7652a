/**
 * `op-edge l1-info <rawDepositTx | calldata>`: decode an L1-info transaction (any of the four formats) and rebuild
 * the post-Regolith L1-info deposit from the decoded fields.
 */
import { bytesToBigint } from '../../shared/bytes.ts'
import { decodeDepositTx, depositTxHash, encodeDepositTx } from '../../shared/protocol/deposit-tx.ts'
import { decodeL1InfoCalldata } from '../../shared/protocol/l1-info-calldata.ts'
import { l1InfoDepositTx } from '../../shared/protocol/l1-info.ts'
import { hexArg, UsageError } from '../args.ts'

export function l1InfoCommand(args: string[]) {
  if (args.length !== 1) throw new UsageError('usage: l1-info <rawDepositTx | calldata>')
  const input = hexArg(args[0], 'input')
  if (input.length === 0) throw new UsageError('input: empty')
  const calldata = input[0] === 0x7e ? decodeDepositTx(input).data : input
  const info = decodeL1InfoCalldata(calldata)
  const common = {
    format: info.format,
    number: info.number,
    timestamp: info.timestamp,
    baseFee: info.baseFee,
    blockHash: info.blockHash,
    sequenceNumber: info.sequenceNumber,
    batcherAddress: info.batcherAddress,
  }
  let fees: Record<string, unknown>
  switch (info.format) {
    case 'bedrock':
      fees = { l1FeeOverhead: bytesToBigint(info.l1FeeOverhead), l1FeeScalar: bytesToBigint(info.l1FeeScalar) }
      break
    case 'ecotone':
      fees = ecotoneFees(info)
      break
    case 'isthmus':
      fees = { ...ecotoneFees(info), ...isthmusFees(info) }
      break
    case 'jovian':
      fees = { ...ecotoneFees(info), ...isthmusFees(info), daFootprintGasScalar: info.daFootprintGasScalar }
      break
    default: {
      const never: never = info.format
      throw new Error(`unknown format ${never}`)
    }
  }
  const tx = l1InfoDepositTx(info, true)
  return { ...common, ...fees, depositTx: { raw: encodeDepositTx(tx), hash: depositTxHash(tx), sourceHash: tx.sourceHash } }
}

function ecotoneFees(info: { baseFeeScalar: number; blobBaseFeeScalar: number; blobBaseFee: bigint }) {
  return { baseFeeScalar: info.baseFeeScalar, blobBaseFeeScalar: info.blobBaseFeeScalar, blobBaseFee: info.blobBaseFee }
}

function isthmusFees(info: { operatorFeeScalar: number; operatorFeeConstant: bigint }) {
  return { operatorFeeScalar: info.operatorFeeScalar, operatorFeeConstant: info.operatorFeeConstant }
}
