/** Signatures of the ZIP records read here (APPNOTE 4.3.12 and 4.3.16). */
const endOfCentralDirectory = 0x06054b50;
const centralDirectoryHeader = 0x02014b50;
/** Fixed sizes, in bytes, of the two records before their variable parts. */
const endRecordSize = 22;
const headerSize = 46;

/**
 * The file names in a ZIP archive (a `.zip` working_dir or a `.whl`), read from its central
 * directory; directories (names ending in `/`) are left out. Undefined when the bytes are not
 * a readable ZIP (no end-of-central-directory record, or a directory that runs past the end).
 * Names are decoded as UTF-8, as Python's `zipfile` writes them when bit 11 is set and as
 * ASCII names read either way.
 */
export function zipEntryNames(bytes: Uint8Array): string[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record sits at the end, before a comment of at most 65,535 bytes.
  let end = -1;
  const lowest = Math.max(0, bytes.length - endRecordSize - 0xffff);
  for (let offset = bytes.length - endRecordSize; offset >= lowest; offset--) {
    if (view.getUint32(offset, true) === endOfCentralDirectory) {
      end = offset;
      break;
    }
  }
  if (end < 0) return undefined;
  const count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  const names: string[] = [];
  for (let index = 0; index < count; index++) {
    if (offset + headerSize > bytes.length) return undefined;
    if (view.getUint32(offset, true) !== centralDirectoryHeader) return undefined;
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const nameStart = offset + headerSize;
    if (nameStart + nameLength > bytes.length) return undefined;
    const name = decoder.decode(bytes.subarray(nameStart, nameStart + nameLength));
    if (!name.endsWith('/')) names.push(name);
    offset = nameStart + nameLength + extraLength + commentLength;
  }
  return names;
}
