import { createDeflateRaw } from 'node:zlib'

// Zip files made byte by byte, for tests of what an upload unzips to.

// `size` bytes of spaces, deflated as a zip stores them (a few kilobytes for megabytes).
export async function deflatedSpaces(size: number): Promise<Buffer> {
  const deflater = createDeflateRaw()
  const chunks: Buffer[] = []
  deflater.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise((resolve) => deflater.on('end', resolve))
  const megabyte = Buffer.alloc(1024 * 1024, ' ')
  for (let left = size; left > 0; left -= megabyte.length) deflater.write(megabyte.subarray(0, left))
  deflater.end()
  await done
  return Buffer.concat(chunks)
}

// A zip of one part, as an Excel file's sheet would be stored: its sizes in its header, or (as some
// writers do) after its data, with zeros in the header.
export function zipOf(name: string, data: Buffer, size: number, sizesAfter: boolean): Buffer {
  const fileName = Buffer.from(name)
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0)
  local.writeUInt16LE(20, 4)
  local.writeUInt16LE(sizesAfter ? 0x08 : 0, 6)
  local.writeUInt16LE(8, 8)
  local.writeUInt32LE(sizesAfter ? 0 : data.length, 18)
  local.writeUInt32LE(sizesAfter ? 0 : size, 22)
  local.writeUInt16LE(fileName.length, 26)
  const descriptor = Buffer.alloc(sizesAfter ? 16 : 0)
  if (sizesAfter) {
    descriptor.writeUInt32LE(0x08074b50, 0)
    descriptor.writeUInt32LE(data.length, 8)
    descriptor.writeUInt32LE(size, 12)
  }
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0)
  central.writeUInt16LE(8, 10)
  central.writeUInt32LE(data.length, 20)
  central.writeUInt32LE(size, 24)
  central.writeUInt16LE(fileName.length, 28)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  return Buffer.concat([local, fileName, data, descriptor, central, fileName, end])
}
