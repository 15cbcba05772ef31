import { crc32 } from 'node:zlib';
import type { StoreRecord } from '../core/durable.js';

/**
 * The on-disk log: `DATA_DIR/hub.log`, one record per line:
 *
 *     <byte length of JSON> <crc32 of JSON, 8 lowercase hex> <JSON of a StoreRecord>\n
 *
 * A line that is cut short, fails its checksum or does not parse ends the
 * log: a process killed mid-write leaves a torn last record, which loading
 * skips (and compaction then drops). Appending half of `encodeRecord(r)` to
 * the file makes exactly such a torn record.
 */
export const LOG_FILE_NAME = 'hub.log';

export function encodeRecord(record: StoreRecord): string {
  const json = JSON.stringify(record);
  const bytes = Buffer.from(json, 'utf8');
  return `${bytes.length} ${crc32(bytes).toString(16).padStart(8, '0')} ${json}\n`;
}

const HEADER = /^(\d{1,10}) ([0-9a-f]{8}) /;

export interface DecodedLog {
  records: StoreRecord[];
  /** True when the log ended in a record that did not check out. */
  torn: boolean;
}

export function decodeLog(data: Buffer): DecodedLog {
  const records: StoreRecord[] = [];
  let offset = 0;
  while (offset < data.length) {
    const end = data.indexOf(0x0a, offset);
    if (end < 0) return { records, torn: true };
    const record = decodeLine(data.subarray(offset, end));
    if (record === undefined) return { records, torn: true };
    records.push(record);
    offset = end + 1;
  }
  return { records, torn: false };
}

function decodeLine(line: Buffer): StoreRecord | undefined {
  const header = HEADER.exec(line.subarray(0, 24).toString('latin1'));
  if (header === null) return undefined;
  const [whole, length, checksum] = header;
  const json = line.subarray(whole.length);
  if (json.length !== Number(length) || crc32(json).toString(16).padStart(8, '0') !== checksum) return undefined;
  try {
    return JSON.parse(json.toString('utf8')) as StoreRecord;
  } catch {
    return undefined;
  }
}
