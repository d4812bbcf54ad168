// ARN builders and parsers for the entities the simulated account knows.

export const iamArn = (acct: string, type: 'user' | 'role' | 'group' | 'policy' | 'mfa', path: string, name: string) =>
  `arn:aws:iam::${acct}:${type}${path}${name}`;
export const rootArn = (acct: string) => `arn:aws:iam::${acct}:root`;
export const sessionArn = (acct: string, roleName: string, session: string) => `arn:aws:sts::${acct}:assumed-role/${roleName}/${session}`;
export const federatedArn = (acct: string, name: string) => `arn:aws:sts::${acct}:federated-user/${name}`;
export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
export const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
export const instanceArn = (region: string, acct: string, id: string) => `arn:aws:ec2:${region}:${acct}:instance/${id}`;
export const accountPageArn = (acct: string) => `arn:aws:account::${acct}:account`;
export const awsPolicyArn = (path: string, name: string) => `arn:aws:iam::aws:policy${path}${name}`;

export interface ParsedIamArn {
  account: string;
  type: string;
  path: string;
  name: string;
}

/** arn:aws:iam::ACCT:TYPE/PATH/NAME (path may be empty → "/"). Returns undefined when not that shape. */
export function parseIamArn(arn: string): ParsedIamArn | undefined {
  const m = /^arn:aws:iam::(\d{12}|aws):(user|role|group|policy|mfa|instance-profile)(\/(?:[^]*\/)?)?([^/]+)$/.exec(arn);
  if (!m) return undefined;
  return { account: m[1]!, type: m[2]!, path: m[3] ?? '/', name: m[4]! };
}

export interface ParsedSessionArn {
  account: string;
  kind: 'assumed-role' | 'federated-user';
  roleName?: string;
  session: string;
}

export function parseStsArn(arn: string): ParsedSessionArn | undefined {
  let m = /^arn:aws:sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/([\w+=,.@-]+)$/.exec(arn);
  if (m) return { account: m[1]!, kind: 'assumed-role', roleName: m[2]!, session: m[3]! };
  m = /^arn:aws:sts::(\d{12}):federated-user\/([\w+=,.@-]+)$/.exec(arn);
  if (m) return { account: m[1]!, kind: 'federated-user', session: m[2]! };
  return undefined;
}

/** Account id of an account principal: "123456789012" or arn:aws:iam::123456789012:root. */
export function accountPrincipal(p: string): string | undefined {
  if (/^\d{12}$/.test(p)) return p;
  const m = /^arn:aws:iam::(\d{12}):root$/.exec(p);
  return m ? m[1] : undefined;
}

/** ISO-8601 without milliseconds, as AWS prints condition times: 2024-01-01T00:00:00Z. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
