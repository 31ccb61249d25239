/**
 * A small zip writer (PKWARE APPNOTE 6.3: local headers, central directory, end record; no
 * zip64, so under 4 GB and 65535 entries, far beyond a workspace export). Built on node:zlib
 * (raw deflate and crc32), so the workspace export needs no zip package.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** One file of an archive. */
export interface ZipEntry {
  /** The path inside the archive, `/`-separated (UTF-8 names are flagged as such). */
  readonly name: string;
  readonly data: Uint8Array | string;
}

/** DOS date and time of `d` (local fields as UTC: the archive carries no zone). */
function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.max(d.getUTCFullYear(), 1980);
  return {
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
  };
}

/**
 * The zip archive of `entries`, deflated (stored when deflate does not shrink an entry, as
 * for PNG pictures). `when` is every entry's modification time.
 */
export function zip(entries: readonly ZipEntry[], when = new Date()): Buffer {
  const { date, time } = dosDateTime(when);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    const deflated = deflateRawSync(raw);
    const stored = deflated.length >= raw.length;
    const body = stored ? raw : deflated;
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(raw);
    const common = Buffer.alloc(26);
    common.writeUInt16LE(20, 0); // version needed: 2.0 (deflate)
    common.writeUInt16LE(0x0800, 2); // bit 11: the name is UTF-8
    common.writeUInt16LE(stored ? 0 : 8, 4);
    common.writeUInt16LE(time, 6);
    common.writeUInt16LE(date, 8);
    common.writeUInt32LE(crc, 10);
    common.writeUInt32LE(body.length, 14);
    common.writeUInt32LE(raw.length, 18);
    common.writeUInt16LE(name.length, 22);
    common.writeUInt16LE(0, 24); // no extra field
    const local = Buffer.concat([u32(0x04034b50), common, name]);
    const central = Buffer.concat([
      u32(0x02014b50),
      u16(20), // made by: 2.0, MS-DOS attributes
      common,
      Buffer.alloc(10), // comment length, disk, internal and external attributes
      u32(offset),
      name,
    ]);
    locals.push(local, Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    centrals.push(central);
    offset += local.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function u32(x: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(x >>> 0, 0);
  return b;
}

function u16(x: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(x, 0);
  return b;
}
