// Deterministic generator for ids, keys and secrets. sfc32 (a small, fast, well-tested PRNG)
// seeded from SHA-256 of the seed string; its state is four uint32s, so it saves with the world.
import { createHash } from 'node:crypto';

export type RngState = [number, number, number, number];

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET = ALNUM + '+/';
const HEX = '0123456789abcdef';

// Scratch space for random strings: allocating a typed array per call is slow in V8.
const SCRATCH_WORDS = new Uint32Array(64);
const SCRATCH = Buffer.from(SCRATCH_WORDS.buffer);

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(state: RngState) {
    [this.a, this.b, this.c, this.d] = state;
  }

  static fromSeed(seed: string): Rng {
    const h = createHash('sha256').update(seed).digest();
    const r = new Rng([h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12) | 1]);
    for (let i = 0; i < 15; i++) r.next();
    return r;
  }

  state(): RngState {
    return [this.a, this.b, this.c, this.d];
  }

  /** Next uint32. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return this.next() % n; // n is tiny (≤ 64): the modulo bias is < 2^-26
  }

  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }

  base32(n: number): string {
    return this.chars(BASE32, n);
  }
  alnum(n: number): string {
    return this.chars(ALNUM, n);
  }
  /** n characters of [A-Za-z0-9+/] (the 40-character secrets AWS hands out). */
  secret(n = 40): string {
    if (n % 4 === 0) return this.encoded((n / 4) * 3, 'base64');
    return this.chars(SECRET, n);
  }
  hex(n: number): string {
    return this.chars(HEX, n);
  }
  /** A v4-shaped UUID (request ids, event ids). */
  uuid(): string {
    const h = this.encoded(16, 'hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.int(4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  bytes(n: number): Buffer {
    const words = new Uint32Array((n + 3) >>> 2);
    for (let i = 0; i < words.length; i++) words[i] = this.next();
    return Buffer.from(words.buffer, 0, n);
  }

  /** n random bytes (n ≤ 256) encoded as base64 or hex, without allocating a buffer. */
  encoded(n: number, encoding: 'base64' | 'hex'): string {
    if (n > 256) return this.bytes(n).toString(encoding);
    const words = (n + 3) >>> 2;
    for (let i = 0; i < words; i++) SCRATCH_WORDS[i] = this.next();
    return SCRATCH.toString(encoding, 0, n);
  }
}
