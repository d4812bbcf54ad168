// SDK outputs → the Backend contract's outputs (the simulated account's shapes):
// no $metadata, IAM policy documents decoded (IAM URL-encodes them on the wire and SDK v3 passes
// the encoded text through, while the CLI decodes: wire-protocols.md §1.4), streaming bodies read
// into a Uint8Array, undefined members dropped.

/** IAM members that hold a URL-encoded policy document. */
const POLICY_DOC_KEYS = new Set(['AssumeRolePolicyDocument', 'PolicyDocument', 'Document']);

/** Decodes one IAM policy document as the AWS CLI does (urllib unquote); raw JSON stays as it is. */
export function decodePolicyDocument(s: string): string {
  if (/^\s*[{[]/.test(s)) return s; // already JSON (moto's ListRoles, for one)
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // not valid percent-encoding: show what AWS sent
  }
}

export interface StreamingBody {
  transformToByteArray(): Promise<Uint8Array>;
}

function isStreamingBody(v: unknown): v is StreamingBody {
  return typeof v === 'object' && v !== null && typeof (v as StreamingBody).transformToByteArray === 'function';
}

function walk(v: unknown, decodeDocs: boolean, key?: string): unknown {
  if (typeof v === 'string') return decodeDocs && key !== undefined && POLICY_DOC_KEYS.has(key) ? decodePolicyDocument(v) : v;
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map((x) => walk(x, decodeDocs));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === '$metadata' || x === undefined) continue;
    out[k] = walk(x, decodeDocs, k);
  }
  return out;
}

/** Normalises one SDK command output for `service`. Reads a streaming Body fully. */
export async function normalizeOutput(service: string, output: Record<string, unknown>): Promise<Record<string, unknown>> {
  const decodeDocs = service === 'iam';
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(output)) {
    if (k === '$metadata' || x === undefined) continue;
    out[k] = k === 'Body' && isStreamingBody(x) ? await x.transformToByteArray() : walk(x, decodeDocs, k);
  }
  return out;
}
