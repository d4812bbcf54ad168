// Rewrites AWS principals inside stored resource policies (trust and bucket policies):
// a deleted user/role turns into its unique id; a renamed user keeps working under its new ARN.

export function replacePrincipal(text: string, from: string, to: string): string {
  if (!text.includes(from)) return text;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return text;
  }
  let changed = false;
  const fix = (block: unknown): unknown => {
    if (!block || typeof block !== 'object' || Array.isArray(block)) return block;
    const b = block as Record<string, unknown>;
    const aws = b['AWS'];
    if (typeof aws === 'string' && aws === from) {
      changed = true;
      return { ...b, AWS: to };
    }
    if (Array.isArray(aws) && aws.includes(from)) {
      changed = true;
      return { ...b, AWS: aws.map((x) => (x === from ? to : x)) };
    }
    return block;
  };
  const d = doc as Record<string, unknown>;
  const st = d?.['Statement'];
  const statements = Array.isArray(st) ? st : st && typeof st === 'object' ? [st] : [];
  for (const s of statements) {
    if (!s || typeof s !== 'object') continue;
    const o = s as Record<string, unknown>;
    if ('Principal' in o) o['Principal'] = fix(o['Principal']);
    if ('NotPrincipal' in o) o['NotPrincipal'] = fix(o['NotPrincipal']);
  }
  if (!changed) return text;
  const indent = /\n(\s+)"/.exec(text)?.[1];
  return JSON.stringify(doc, null, indent ? (indent.startsWith('\t') ? '\t' : indent.length) : undefined);
}
