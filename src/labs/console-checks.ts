// Which checks ask about the console — the one thing a real account cannot show iamlab (the
// console runs in the learner's browser). Used by the loader's rules and by lab sessions.
import type { CheckSpec } from '../checks/spec.js';

/**
 * Does a check ask about the console (a console identity, or an event that must come from the
 * console)? On a real account such a check is an error: iamlab cannot see the learner's browser.
 * `cloudTrail`: console events count as seen (a real account's checker reads them in CloudTrail;
 * what it cannot read there was already turned into a console-identity check), so only the
 * console identity — which account and role the browser is in — is out of sight.
 */
export function checkAsksConsole(spec: CheckSpec | undefined, o: { cloudTrail?: boolean } = {}): boolean {
  if (!spec) return false;
  const s = spec as Record<string, unknown>;
  const asks = (x: CheckSpec) => checkAsksConsole(x, o);
  for (const k of ['all', 'any'] as const) if (Array.isArray(s[k]) && (s[k] as CheckSpec[]).some(asks)) return true;
  if (s.not && asks(s.not as CheckSpec)) return true;
  if (s.count && (s.count as { of: CheckSpec[] }).of.some(asks)) return true;
  if ((s.identity as { console?: unknown } | undefined)?.console) return true;
  return !o.cloudTrail && (s.event as { via?: string } | undefined)?.via === 'console';
}
