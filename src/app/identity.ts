// Learner-facing names for identities: the header label and the shell prompt. Pure.
import type { IdentityView } from './model.js';

/** "balu @ 089665204192", "assumed-role/temp-user/balu @ 089665204192", "root @ …". */
export function arnLabel(arn: string): string {
  const m = /^arn:aws:(?:iam|sts)::(\d{12}):(.+)$/.exec(arn);
  if (!m) return arn;
  const [, acct, rest] = m;
  if (rest === 'root') return `root @ ${acct}`;
  const user = /^user\/(?:.*\/)?([^/]+)$/.exec(rest!);
  if (user) return `${user[1]} @ ${acct}`;
  return `${rest} @ ${acct}`;
}

export function promptFor(id: IdentityView): string {
  const a = id.shell;
  if (!a) return '(no credentials) $ ';
  const m = /^arn:aws:(?:iam|sts)::(\d{12}):(.+)$/.exec(a.arn);
  if (!m) return `${a.arn} $ `;
  const rest = m[2]!;
  const who = rest === 'root' ? 'root' : rest.replace(/^user\/(?:.*\/)?/, '').replace(/^assumed-role\//, '');
  return `${who}@${m[1]} $ `;
}

