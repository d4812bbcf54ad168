// Signing and checking reports: HMAC-SHA256 keyed by the workshop key, over the canonical
// form (canonical.ts) of the whole report except the signature's own `value`. The
// algorithm, canonicalization and key id are inside the signed bytes, so changing any of
// them breaks the signature as surely as changing a step's time.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import {
  CANONICALIZATION,
  SIGNATURE_ALGORITHM,
  UNSIGNED_NOTE,
  type Report,
  type Signature,
  type UnsignedReport,
} from './types.js';

/** A short, stable name for a workshop key: the first 16 hex digits of SHA-256("iamlab workshop key\0" + key).
 *  Lets verify say "signed with a different key"; it reveals nothing an HMAC does not. */
export function workshopKeyId(key: string): string {
  return createHash('sha256').update('iamlab workshop key\0').update(key, 'utf8').digest('hex').slice(0, 16);
}

/** The exact bytes the HMAC covers. */
export function signingPayload(report: UnsignedReport, sig: { algorithm: string; canonicalization: string; key_id: string }): string {
  return canonicalJson({ ...report, signature: { algorithm: sig.algorithm, canonicalization: sig.canonicalization, key_id: sig.key_id } });
}

function hmacHex(key: string, payload: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(payload, 'utf8').digest('hex');
}

/** The report with its signature block: HMAC-SHA256 when a key is given, else the unsigned note. */
export function signReport(report: UnsignedReport, key: string | undefined): Report {
  const body = stripSignature(report);
  if (!key) return { ...body, signature: { algorithm: 'none', note: UNSIGNED_NOTE } };
  const head = { algorithm: SIGNATURE_ALGORITHM, canonicalization: CANONICALIZATION, key_id: workshopKeyId(key) } as const;
  return { ...body, signature: { ...head, value: hmacHex(key, signingPayload(body, head)) } };
}

function stripSignature(r: UnsignedReport | Report): UnsignedReport {
  const { signature: _drop, ...rest } = r as Report;
  return rest;
}

export type SignatureState =
  | { state: 'ok'; keyId: string }
  | { state: 'bad'; reason: string }
  | { state: 'unsigned'; reason: string }
  /** Signed, but no key was given to check it with. */
  | { state: 'unchecked'; reason: string };

export function checkSignature(report: Report, key: string | undefined): SignatureState {
  const sig: Signature = report.signature;
  if (sig.algorithm === 'none') return { state: 'unsigned', reason: sig.note || UNSIGNED_NOTE };
  if (!key) return { state: 'unchecked', reason: 'signed, but no workshop key was given to check it (--workshop-key or IAMLAB_WORKSHOP_KEY)' };
  const expected = hmacHex(key, signingPayload(stripSignature(report), sig));
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(sig.value, 'hex');
  if (a.length === b.length && timingSafeEqual(a, b)) return { state: 'ok', keyId: sig.key_id };
  const mine = workshopKeyId(key);
  if (sig.key_id !== mine) {
    return { state: 'bad', reason: `signed with a different workshop key (key id ${sig.key_id}; yours is ${mine}), or its key id was changed` };
  }
  return { state: 'bad', reason: 'the signature does not match the content: the report was changed after it was signed' };
}
