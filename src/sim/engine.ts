// The only door from the simulated account to the policy engine (src/policy). All grammar
// validation and every authorization decision go through here; parsed documents are cached
// by text so a stored policy is parsed once, not per call.
import * as policy from '../policy/index.js';
import type { EvaluationInput, Explanation, PolicyDocument, PolicyKind, PolicyProblem } from '../policy/types.js';
import { malformedPolicy, limitExceeded, SimError } from './errors.js';

// One map per kind, keyed by the document text itself: stored texts are the same string
// objects call after call, so V8 reuses their cached hash (no re-hashing of 12 KB documents).
const caches: Record<string, Map<string, PolicyDocument>> = { identity: new Map(), trust: new Map(), resource: new Map(), boundary: new Map(), session: new Map() };
const CACHE_MAX = 20_000;
let cacheOn = true;

/** @internal For the benchmark's naive baseline only: turn the parsed-document cache off/on. */
export function setDocumentCache(on: boolean): void {
  cacheOn = on;
  for (const m of Object.values(caches)) m.clear();
}

function cacheFor(kind: PolicyKind): Map<string, PolicyDocument> {
  return caches[kind === 'trust' ? 'trust' : kind === 'resource' ? 'resource' : kind === 'session' ? 'session' : kind === 'boundary' ? 'boundary' : 'identity']!;
}

function remember(kind: PolicyKind, text: string, doc: PolicyDocument): void {
  const m = cacheFor(kind);
  if (m.size >= CACHE_MAX) m.clear();
  m.set(text, doc);
}

/** Problem → the AwsError IAM answers with (MalformedPolicyDocument 400 or LimitExceeded 409). */
export function problemError(p: PolicyProblem): SimError {
  if (p.code === 'LimitExceeded') return limitExceeded(p.message);
  const pos = p.line !== undefined && p.column !== undefined ? { line: p.line, column: p.column } : undefined;
  return malformedPolicy(p.message, pos);
}

export interface ValidateOptions {
  principalExists?: (principal: string) => boolean;
  /** Size limit for this one document (LimitExceeded with the engine's AWS text for the kind). */
  maxSize?: number;
}

/** Validates a document as IAM would on save; returns it normalised, or throws the AWS error. */
export function validateOrThrow(text: string, kind: PolicyKind | 'managed', opts: ValidateOptions = {}): PolicyDocument {
  const r = policy.validatePolicy(text, kind, {
    ...(opts.principalExists ? { principalExists: opts.principalExists } : {}),
    ...(opts.maxSize !== undefined ? { maxSize: opts.maxSize } : {}),
  });
  if (!r.ok) {
    const first = r.problems[0];
    throw problemError(first ?? { code: 'MalformedPolicyDocument', message: 'Syntax errors in policy.' });
  }
  // Principals of a trust policy must be re-checked against the world each save; only cache
  // what does not depend on the world.
  if (kind !== 'managed' && cacheOn) remember(kind, text, r.document);
  return r.document;
}

/** All problems (for tools that list every problem). */
export function problemsOf(text: string, kind: PolicyKind | 'managed', opts: ValidateOptions = {}): PolicyProblem[] {
  const r = policy.validatePolicy(text, kind, opts.principalExists ? { principalExists: opts.principalExists } : {});
  return r.ok ? [] : r.problems;
}

const EMPTY: PolicyDocument = { Version: '2012-10-17', Statement: [] };

/**
 * A stored (already validated) document, parsed once. A document that no longer validates
 * (a hand-edited snapshot) takes part as an empty policy rather than crashing a call.
 */
export function parsed(text: string, kind: PolicyKind): PolicyDocument {
  const hit = cacheOn ? cacheFor(kind).get(text) : undefined;
  if (hit) return hit;
  const r = policy.validatePolicy(text, kind, { principalExists: () => true });
  const doc = r.ok ? r.document : EMPTY;
  if (cacheOn) remember(kind, text, doc);
  return doc;
}

/** Size as IAM counts it against quotas (whitespace outside strings not counted). */
export function sizeOf(text: string): number {
  return policy.policySize(text);
}

export function evaluate(input: EvaluationInput): Explanation {
  return policy.authorize(input);
}

export function deniedMessage(e: Explanation, callerArn: string, action: string, resourceText: string | undefined, bare = false): string {
  return policy.awsDeniedMessage(e, callerArn, action, resourceText, { bare });
}

export const actionMatches = policy.actionMatches;
export const parsePolicyText = policy.parsePolicyText;
