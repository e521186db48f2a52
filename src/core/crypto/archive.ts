import { UserError } from "../errors/index.js";

/** One file of a result archive. */
export interface ArchiveEntry {
  path: string;
  data: Uint8Array;
}

export const ARCHIVE_MAGIC = Buffer.from("POLISAR1", "ascii");
const MAX_PATH_BYTES = 1024;

/**
 * Deterministic archive (docs/PROTOCOLS.md §4): magic || u32 count || per file sorted by path:
 * u16 path length || path || u64 size || bytes. Same files => same bytes => same digest.
 */
export function packArchive(entries: readonly ArchiveEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const parts: Buffer[] = [ARCHIVE_MAGIC, u32(sorted.length)];
  let previous: string | undefined;
  for (const { path, data } of sorted) {
    if (path === previous) throw new UserError(`Duplicate path in archive: ${path}`);
    previous = path;
    const p = Buffer.from(path, "utf8");
    if (p.length === 0 || p.length > MAX_PATH_BYTES)
      throw new UserError(`Invalid archive path: ${path}`);
    const size = Buffer.alloc(8);
    size.writeBigUInt64BE(BigInt(data.length));
    parts.push(u16(p.length), p, size, Buffer.from(data));
  }
  return Buffer.concat(parts);
}

/** Parses an archive. @throws UserError on any malformed byte. */
export function unpackArchive(bytes: Uint8Array): ArchiveEntry[] {
  const buf = Buffer.from(bytes);
  const fail = (why: string): never => {
    throw new UserError(`Malformed result archive: ${why}.`);
  };
  if (buf.length < 12 || !buf.subarray(0, 8).equals(ARCHIVE_MAGIC)) fail("bad header");
  const count = buf.readUInt32BE(8);
  let at = 12;
  const entries: ArchiveEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 2 > buf.length) fail("truncated path length");
    const pathLength = buf.readUInt16BE(at);
    at += 2;
    if (pathLength === 0 || pathLength > MAX_PATH_BYTES || at + pathLength + 8 > buf.length)
      fail("bad path");
    const path = buf.subarray(at, at + pathLength).toString("utf8");
    at += pathLength;
    const size = buf.readBigUInt64BE(at);
    at += 8;
    if (size > BigInt(buf.length - at)) fail("truncated file");
    entries.push({ path, data: buf.subarray(at, at + Number(size)) });
    at += Number(size);
  }
  if (at !== buf.length) fail("trailing bytes");
  return entries;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
