/** `op-edge decode-blob <blob>`: the rollup data a 131072-byte blob carries (op-service `Blob.ToData`). */
import { BLOB_SIZE, blobToData } from '../../shared/codec/blob.ts'
import { hexArg, UsageError } from '../args.ts'

export function decodeBlobCommand(args: string[]) {
  if (args.length !== 1) throw new UsageError('usage: decode-blob <blob>')
  const blob = hexArg(args[0], 'blob')
  if (blob.length !== BLOB_SIZE) throw new UsageError(`blob: must be ${BLOB_SIZE} bytes, got ${blob.length}`)
  return { data: blobToData(blob) }
}
