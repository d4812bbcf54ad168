// {placeholders} in lab strings: {account.KEY} from the world, {now} at run time, and the
// diagnostics a failing leaf fills in for `fail:` / `say:` messages.

/** Variables a failing leaf can fill in for `fail:` and diagnosis `say:` templates. */
export const TEMPLATE_VARS = ['found', 'expected', 'closest', 'attached', 'why', 'diff', 'principal', 'role', 'user', 'policy', 'action', 'resource', 'given'] as const;
export type TemplateVar = (typeof TEMPLATE_VARS)[number];

/** Replace {name} with vars[name] (names may contain dots: account.main). Unknown names stay as they are. */
export function fillTemplate(s: string, vars: Record<string, string | undefined>): string {
  return s.replace(/\{([A-Za-z_][\w.]*)\}/g, (m, k: string) => {
    const v = vars[k];
    return v === undefined ? m : v;
  });
}

/** {account.KEY} → id for every account of the world. */
export function accountVars(accounts: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, id] of Object.entries(accounts)) out[`account.${k}`] = id;
  return out;
}

/** Replace placeholders inside every string of a JSON-like value. */
export function fillDeep<T>(v: T, vars: Record<string, string | undefined>): T {
  if (typeof v === 'string') return fillTemplate(v, vars) as T;
  if (Array.isArray(v)) return v.map((x) => fillDeep(x, vars)) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = fillDeep(x, vars);
    return out as T;
  }
  return v;
}
