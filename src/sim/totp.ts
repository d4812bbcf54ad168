// RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) over RFC 4648 base32 seeds, as AWS
// virtual MFA devices use them.
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(s: string): Buffer {
  const clean = s.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${JSON.stringify(ch)}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function base32Encode(b: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** HOTP (RFC 4226) value for a counter. */
export function hotp(key: Uint8Array, counter: number, digits = 6): string {
  const msg = Buffer.alloc(8);
  msg.writeUInt32BE(Math.floor(counter / 0x100000000), 0);
  msg.writeUInt32BE(counter >>> 0, 4);
  const mac = createHmac('sha1', key).update(msg).digest();
  const off = mac[mac.length - 1]! & 0x0f;
  const bin = ((mac[off]! & 0x7f) << 24) | (mac[off + 1]! << 16) | (mac[off + 2]! << 8) | mac[off + 3]!;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** TOTP (RFC 6238): the code for the 30-second step containing `time`, shifted by `stepOffset`. */
export function totp(base32Seed: string, time: Date, stepOffset = 0, stepSeconds = 30, digits = 6): string {
  const step = Math.floor(time.getTime() / 1000 / stepSeconds) + stepOffset;
  return hotp(base32Decode(base32Seed), step, digits);
}

/** The step offset (within ±window) whose code equals `code`, or undefined. */
export function totpMatch(base32Seed: string, time: Date, code: string, window = 1): number | undefined {
  for (let o = -window; o <= window; o++) if (totp(base32Seed, time, o) === code) return o;
  return undefined;
}
