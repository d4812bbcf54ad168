// The kinds of check (no zod here: the evaluator imports this at run time; the schema lives in spec.ts).
import type { CheckSpec } from './spec.js';

export const LEAF_KINDS = [
  'user', 'role', 'policy', 'bucket', 'instance', 'attached', 'inline', 'trust', 'decision', 'can_assume',
  'cannot_assume', 'policy_grants', 'identity', 'env', 'event', 'session', 'answer', 'url',
] as const;
export const COMBINATOR_KINDS = ['all', 'any', 'not', 'count'] as const;
export type CheckKind = (typeof LEAF_KINDS)[number] | (typeof COMBINATOR_KINDS)[number];
export const CHECK_KINDS: readonly CheckKind[] = [...LEAF_KINDS, ...COMBINATOR_KINDS];

/** The kind key of a parsed check. */
export function checkKind(c: CheckSpec): CheckKind {
  for (const k of CHECK_KINDS) if ((c as Record<string, unknown>)[k] !== undefined) return k;
  throw new Error('check without a kind');
}
