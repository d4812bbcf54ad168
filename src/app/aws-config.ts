// Reads the profile names (and a few harmless settings) from ~/.aws/config and
// ~/.aws/credentials, for the real-account choice on the home screen. Secrets are never
// returned: only the section names and non-secret keys (region, role_arn, source_profile,
// sso_*, mfa_serial). Pure parser + a small reader.

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface AwsProfile {
  name: string;
  region?: string;
  roleArn?: string;
  sourceProfile?: string;
  sso?: boolean;
  mfaSerial?: string;
  /** Where the profile was found. */
  from: Array<'config' | 'credentials'>;
}

/** Parses INI text into sections → key → value. Comments (# ;) and blank lines are skipped;
 *  indented lines (nested s3 = … blocks) are ignored. Keys are lower-cased. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    const sec = /^\s*\[\s*([^\]]+?)\s*\]\s*([#;].*)?$/.exec(raw);
    if (sec) {
      const name = sec[1]!;
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    if (!current || /^\s/.test(raw)) continue;
    const kv = /^([^=]+?)\s*=\s*(.*?)\s*$/.exec(raw);
    if (kv) current.set(kv[1]!.trim().toLowerCase(), kv[2]!.replace(/\s+[#;].*$/, ''));
  }
  return sections;
}

/** Profiles from the two files' texts, config first, in file order; `default` first if present. */
export function profilesFrom(configText: string | undefined, credentialsText: string | undefined): AwsProfile[] {
  const out = new Map<string, AwsProfile>();
  if (configText !== undefined) {
    for (const [section, kv] of parseIni(configText)) {
      let name: string | undefined;
      if (section === 'default') name = 'default';
      else {
        const m = /^profile\s+(.+)$/.exec(section);
        if (m) name = m[1]!.trim();
      }
      if (!name) continue; // sso-session, services, plugins …
      const p: AwsProfile = { name, from: ['config'] };
      const region = kv.get('region');
      if (region) p.region = region;
      const roleArn = kv.get('role_arn');
      if (roleArn) p.roleArn = roleArn;
      const src = kv.get('source_profile');
      if (src) p.sourceProfile = src;
      if (kv.has('sso_session') || kv.has('sso_start_url')) p.sso = true;
      const mfa = kv.get('mfa_serial');
      if (mfa) p.mfaSerial = mfa;
      out.set(name, p);
    }
  }
  if (credentialsText !== undefined) {
    for (const [section] of parseIni(credentialsText)) {
      const name = section.replace(/^profile\s+/, '').trim();
      const p = out.get(name);
      if (p) p.from.push('credentials');
      else out.set(name, { name, from: ['credentials'] });
    }
  }
  const list = [...out.values()];
  list.sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : 0));
  return list;
}

/** Reads the learner's AWS profiles; missing files mean no profiles, never an error. */
export async function readAwsProfiles(env: NodeJS.ProcessEnv = process.env): Promise<AwsProfile[]> {
  const home = env.HOME ?? homedir();
  const configPath = env.AWS_CONFIG_FILE || join(home, '.aws', 'config');
  const credsPath = env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials');
  const read = async (p: string) => {
    try {
      return await readFile(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const [c, k] = await Promise.all([read(configPath), read(credsPath)]);
  return profilesFrom(c, k);
}
