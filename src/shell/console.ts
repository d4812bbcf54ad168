// The AWS Management Console's actions that the tutorials do in a browser, as commands on the
// simulated account: sign-in, switch role (always with the signed-in user's original
// credentials — the console never chains roles), switch back, the account menu, what a
// service page shows (its data or the console's "no permission" text naming the action),
// the switch-role link, and the role page's "Revoke active sessions". Every call is made
// with via: 'console', so it lands in the audit log as a console call.

import type { CallRequest, CallResult, Credentials } from '../backend/types.js';
import { revokeSessionsPolicy, REVOKE_SESSIONS_POLICY_NAME } from '../sim/index.js';
import { parseArgs } from './aws/argparse.js';
import { CONSOLE_HELP } from './builtins.js';
import { isoTimestamp } from './format.js';
import type { ShellSession } from './session.js';
import type { CommandOutput, ConsoleState } from './types.js';

const COLORS: Record<string, string> = { red: 'Red', blue: 'Blue', green: 'Green', yellow: 'Yellow', orange: 'Orange' };

const ok = (stdout: string): CommandOutput => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string, exitCode = 1): CommandOutput => ({ stdout: '', stderr, exitCode });

/** 089665204192 -> 0896-6520-4192, as the console shows account ids. */
export function dashedAccount(id: string): string {
  return /^\d{12}$/.test(id) ? `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}` : id;
}

function nameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export async function runConsole(args: string[], session: ShellSession, env: Record<string, string>): Promise<CommandOutput> {
  const [sub, ...rest] = args;
  if (!sub || sub === 'help' || sub === '--help') return ok(CONSOLE_HELP);
  if (!session.world) return realMode(sub, rest);
  switch (sub) {
    case 'sign-in':
    case 'signin':
    case 'login':
      return signIn(rest, session, env);
    case 'sign-out':
    case 'signout':
    case 'logout':
      delete session.state.console.signedIn;
      delete session.state.console.active;
      return ok('Signed out of the console.\n');
    case 'switch-role':
      return switchRole(rest, session);
    case 'switch-back':
    case 'back':
      return switchBack(session);
    case 'whoami':
      return whoami(session);
    case 'open':
      return open(rest, session);
    case 'switch-role-link':
    case 'link':
      return link(rest, session, env);
    case 'revoke-sessions':
      return revoke(rest, session);
    default:
      return fail(`iamlab: console: unknown action '${sub}'\n${CONSOLE_HELP}`, 2);
  }
}

function realMode(sub: string, rest: string[]): CommandOutput {
  const role = rest[rest.indexOf('--role-name') + 1];
  const account = rest[rest.indexOf('--account') + 1];
  const cli: Record<string, string> = {
    'switch-role': `aws sts assume-role --role-arn arn:aws:iam::${account && rest.includes('--account') ? account : 'ACCOUNT_ID'}:role/${role && rest.includes('--role-name') ? role : 'ROLE'} --role-session-name me`,
    whoami: 'aws sts get-caller-identity',
    open: 'aws s3 ls   /   aws ec2 describe-instances   /   aws iam list-roles',
    'revoke-sessions': "aws iam put-role-policy --role-name ROLE --policy-name AWSRevokeOlderSessions --policy-document file://revoke.json",
  };
  return fail(
    `iamlab: \`console ${sub}\` is a browser action. With a real account, do it in the AWS Management Console (https://console.aws.amazon.com/).\n` +
      (cli[sub] ? `The CLI way: ${cli[sub]}\n` : ''),
  );
}

async function consoleCall(session: ShellSession, credentials: Credentials, service: CallRequest['service'], operation: string, input: Record<string, unknown>): Promise<CallResult> {
  return session.call({ service, operation, input, credentials, region: 'us-east-1', via: 'console', userAgent: 'iamlab-console' });
}

async function signIn(args: string[], session: ShellSession, env: Record<string, string>): Promise<CommandOutput> {
  const r = parseArgs(args, [
    { name: 'account', nargs: 'value' },
    { name: 'password', nargs: 'value' },
    { name: 'mfa-code', nargs: 'value' },
  ]);
  const user = r.positionals[0];
  if (!user || r.positionals.length > 1 || r.extras.length) return fail('usage: console sign-in USER [--account ACCOUNT_ID] [--password PASSWORD] [--mfa-code CODE]\n', 2);
  const world = session.world!;
  let account = r.values.get('account') as string | undefined;
  if (!account) {
    const ids = world.accountIds();
    const withUser = world.iam ? ids.filter((a) => world.iam!.user(a, user) !== undefined) : ids;
    if (withUser.length === 1) account = withUser[0];
    else if (ids.length === 1) account = ids[0];
    else {
      const cli = await session.cliCredentials(env);
      const mine = cli ? world.whoIs(cli)?.accountId : undefined;
      if (mine && withUser.includes(mine)) account = mine;
      else {
        return fail(
          withUser.length > 1
            ? `iamlab: console: ${user} exists in several accounts (${withUser.join(', ')}); say which: console sign-in ${user} --account ID\n`
            : `iamlab: console: which account? The simulated world has ${ids.join(', ')}: console sign-in ${user} --account ID\n`,
          2,
        );
      }
    }
  }
  const password = r.values.get('password') as string | undefined;
  const mfa = r.values.get('mfa-code') as string | undefined;
  const res = world.consoleSignIn(account!, user, password, ...(mfa !== undefined ? [{ mfaCode: mfa }] : []));
  if (!res.ok) {
    let why = '';
    if (world.iam && !world.iam.user(account!, user)) why = ` (there is no IAM user ${user} in account ${account})`;
    else if (world.iam && !(world.iam.user(account!, user) as { loginProfile?: unknown } | undefined)?.loginProfile) {
      why = ` (user ${user} has no console password: aws iam create-login-profile --user-name ${user} --password …)`;
    }
    return fail(`${res.error.message}${why}\n`);
  }
  const who = world.whoIs(res.credentials);
  const c: ConsoleState = session.state.console;
  c.signedIn = { accountId: who?.accountId ?? account!, userName: user, arn: who?.type === 'IAMUser' ? who.arn : who?.sessionIssuer ?? `arn:aws:iam::${account}:user/${user}`, credentials: res.credentials };
  delete c.active;
  return ok(`Signed in to the AWS Management Console as IAM user ${user} (account ${dashedAccount(c.signedIn.accountId)}).\n`);
}

function needSignIn(session: ShellSession): CommandOutput | undefined {
  if (!session.state.console.signedIn?.credentials) return fail('iamlab: console: nobody is signed in. Use: console sign-in USER\n');
  return undefined;
}

async function switchRole(args: string[], session: ShellSession): Promise<CommandOutput> {
  const nope = needSignIn(session);
  if (nope) return nope;
  const r = parseArgs(args, [
    { name: 'account', nargs: 'value' },
    { name: 'role-name', nargs: 'value' },
    { name: 'role', nargs: 'value' },
    { name: 'display-name', nargs: 'value' },
    { name: 'color', nargs: 'value' },
    { name: 'colour', nargs: 'value' },
  ]);
  const c = session.state.console;
  const signed = c.signedIn!;
  const account = ((r.values.get('account') as string | undefined) ?? r.positionals[0] ?? signed.accountId).replace(/-/g, '');
  const roleName = (r.values.get('role-name') as string | undefined) ?? (r.values.get('role') as string | undefined) ?? r.positionals[1];
  if (!roleName) return fail('usage: console switch-role --account ACCOUNT_ID --role-name ROLE [--display-name TEXT] [--color red|blue|green|yellow|orange]\n', 2);
  const colorIn = (r.values.get('color') as string | undefined) ?? (r.values.get('colour') as string | undefined);
  let color: string | undefined;
  if (colorIn !== undefined) {
    color = COLORS[colorIn.toLowerCase()];
    if (!color) return fail(`iamlab: console: the console offers the colours Red, Blue, Green, Yellow and Orange (not ${colorIn}).\n`, 2);
  }
  if (!/^\d{12}$/.test(account)) return fail(`iamlab: console: the account must be a 12-digit account ID (got ${account}).\n`, 2);
  const displayName = (r.values.get('display-name') as string | undefined) ?? `${roleName} @ ${account}`;
  // The console authorizes every switch with the user's original credentials.
  const res = await consoleCall(session, signed.credentials!, 'sts', 'AssumeRole', {
    RoleArn: `arn:aws:iam::${account}:role/${roleName}`,
    RoleSessionName: signed.userName,
  });
  if (!res.ok) {
    return fail(`Invalid information in one or more fields. Check your information or contact your administrator.\n(iamlab: AssumeRole was denied: ${res.error.message}. Type 'explain' to see why.)\n`);
  }
  const cr = res.output.Credentials as Record<string, unknown>;
  const aru = res.output.AssumedRoleUser as Record<string, unknown>;
  const creds: Credentials = { accessKeyId: String(cr.AccessKeyId), secretAccessKey: String(cr.SecretAccessKey), sessionToken: String(cr.SessionToken) };
  const exp = cr.Expiration instanceof Date ? cr.Expiration : new Date(String(cr.Expiration));
  c.active = {
    accountId: account,
    roleName: nameOfArn(roleName),
    arn: String(aru.Arn),
    displayName,
    ...(color ? { color } : {}),
    credentials: creds,
    expiration: exp.toISOString(),
  };
  c.roleHistory = [
    { accountId: account, roleName: nameOfArn(roleName), displayName, ...(color ? { color } : {}) },
    ...c.roleHistory.filter((h) => !(h.accountId === account && h.roleName === nameOfArn(roleName))),
  ].slice(0, 5);
  return ok(
    `Switched to ${displayName}${color ? ` (${color})` : ''}: the console now acts as ${String(aru.Arn)}, with the role's permissions only.\n` +
      `The session ends at ${isoTimestamp(exp)}; 'console switch-back' returns to ${signed.userName}.\n`,
  );
}

function switchBack(session: ShellSession): CommandOutput {
  const c = session.state.console;
  if (!c.signedIn) return fail('iamlab: console: nobody is signed in.\n');
  if (!c.active) return fail(`iamlab: console: not switched to a role; the console is ${c.signedIn.userName}.\n`);
  delete c.active;
  return ok(`Switched back to ${c.signedIn.userName} (account ${dashedAccount(c.signedIn.accountId)}).\n`);
}

function whoami(session: ShellSession): CommandOutput {
  const c = session.state.console;
  if (!c.signedIn) return ok('Not signed in to the console. Use: console sign-in USER\n');
  let out = '';
  if (c.active) {
    out += `Currently active as: ${c.active.roleName}\n`;
    out += `  Account ID: ${dashedAccount(c.active.accountId)}\n`;
    out += `  Display name: ${c.active.displayName}${c.active.color ? `   Color: ${c.active.color}` : ''}\n`;
    out += `  Identity: ${c.active.arn}\n`;
  }
  out += `Signed in as: ${c.signedIn.userName}\n`;
  out += `  Account ID: ${dashedAccount(c.signedIn.accountId)}\n`;
  out += `  Identity: ${c.signedIn.arn}\n`;
  if (c.roleHistory.length) out += `Role history: ${c.roleHistory.map((h) => h.displayName + (h.color ? ` (${h.color})` : '')).join(', ')}\n`;
  return ok(out);
}

function activeCredentials(session: ShellSession): { creds: Credentials; label: string } | undefined {
  const c = session.state.console;
  if (c.active?.credentials) return { creds: c.active.credentials, label: `${c.active.displayName}` };
  if (c.signedIn?.credentials) return { creds: c.signedIn.credentials, label: c.signedIn.userName };
  return undefined;
}

function deniedAction(res: Extract<CallResult, { ok: false }>, fallback: string): string {
  return res.explanation?.request.action ?? fallback;
}

function sessionProblem(res: Extract<CallResult, { ok: false }>): string | undefined {
  if (res.error.code === 'ExpiredToken' || res.error.code === 'ExpiredTokenException') return 'Your session has expired. Switch back, or switch role again.';
  if (res.error.code === 'InvalidClientTokenId' || res.error.code === 'InvalidAccessKeyId' || res.error.code === 'AuthFailure') return 'Your session is no longer valid. Sign in again.';
  return undefined;
}

async function open(args: string[], session: ShellSession): Promise<CommandOutput> {
  const nope = needSignIn(session);
  if (nope) return nope;
  const page = (args[0] ?? '').toLowerCase();
  const who = activeCredentials(session)!;
  const header = `[${page || '?'} console — as ${who.label}]\n`;
  switch (page) {
    case 'account':
    case 'billing': {
      const res = await consoleCall(session, who.creds, 'account', 'GetAccountInformation', {});
      if (!res.ok) {
        const sp = sessionProblem(res);
        if (sp) return fail(header + sp + '\n');
        return { stdout: `${header}Account settings\n  You don't have the ${deniedAction(res, 'account:GetAccountInformation')} permission required to view your account's settings.\n`, stderr: '', exitCode: 1 };
      }
      const o = res.output;
      const lines = [`${header}Account settings`, `  Account ID:    ${dashedAccount(String(o.AccountId ?? ''))}`];
      if (o.AccountName !== undefined) lines.push(`  Account name:  ${String(o.AccountName)}`);
      if (o.AccountCreatedDate !== undefined) lines.push(`  Created:       ${o.AccountCreatedDate instanceof Date ? isoTimestamp(o.AccountCreatedDate) : String(o.AccountCreatedDate)}`);
      if (o.AccountState !== undefined) lines.push(`  State:         ${String(o.AccountState)}`);
      return ok(`${lines.join('\n')}\n`);
    }
    case 's3': {
      const res = await consoleCall(session, who.creds, 's3', 'ListBuckets', {});
      if (!res.ok) {
        const sp = sessionProblem(res);
        if (sp) return fail(header + sp + '\n');
        return {
          stdout: `${header}General purpose buckets\n  Insufficient permissions to list buckets\n  After you or your AWS administrator has updated your permissions to allow the ${deniedAction(res, 's3:ListAllMyBuckets')} action, refresh this page.\n`,
          stderr: '',
          exitCode: 1,
        };
      }
      const buckets = (res.output.Buckets as Array<Record<string, unknown>> | undefined) ?? [];
      const rows = buckets.map((b) => `  ${String(b.Name).padEnd(40)} ${b.CreationDate instanceof Date ? isoTimestamp(b.CreationDate) : String(b.CreationDate ?? '')}`);
      return ok(`${header}General purpose buckets (${buckets.length})\n${rows.length ? `  ${'Name'.padEnd(40)} Creation date\n${rows.join('\n')}\n` : '  You don\'t have any buckets.\n'}`);
    }
    case 'ec2': {
      const res = await consoleCall(session, who.creds, 'ec2', 'DescribeInstances', {});
      if (!res.ok) {
        const sp = sessionProblem(res);
        if (sp) return fail(header + sp + '\n');
        return { stdout: `${header}Instances\n  API Error: ${res.error.message} (${deniedAction(res, 'ec2:DescribeInstances')})\n`, stderr: '', exitCode: 1 };
      }
      const instances: Array<Record<string, unknown>> = [];
      for (const r of (res.output.Reservations as Array<Record<string, unknown>> | undefined) ?? []) instances.push(...((r.Instances as Array<Record<string, unknown>> | undefined) ?? []));
      const rows = instances.map((i) => {
        const name = ((i.Tags as Array<{ Key: string; Value: string }> | undefined) ?? []).find((t) => t.Key === 'Name')?.Value ?? '';
        const state = (i.State as { Name?: string } | undefined)?.Name ?? '';
        return `  ${name.padEnd(20)} ${String(i.InstanceId).padEnd(21)} ${state.padEnd(10)} ${String(i.InstanceType ?? '')}`;
      });
      return ok(`${header}Instances (${instances.length})\n${rows.length ? `  ${'Name'.padEnd(20)} ${'Instance ID'.padEnd(21)} ${'State'.padEnd(10)} Type\n${rows.join('\n')}\n` : '  No instances.\n'}`);
    }
    case 'iam': {
      const users = await consoleCall(session, who.creds, 'iam', 'ListUsers', {});
      const roles = await consoleCall(session, who.creds, 'iam', 'ListRoles', {});
      let out = header;
      let denied = false;
      for (const [title, res, key] of [
        ['Users', users, 'Users'],
        ['Roles', roles, 'Roles'],
      ] as const) {
        if (!res.ok) {
          const sp = sessionProblem(res);
          if (sp) return fail(header + sp + '\n');
          denied = true;
          out += `${title}\n  Access denied: you don't have permission to ${deniedAction(res, `iam:List${key}`)}.\n`;
          continue;
        }
        const list = (res.output[key] as Array<Record<string, unknown>> | undefined) ?? [];
        out += `${title} (${list.length})\n${list.map((x) => `  ${String(key === 'Users' ? x.UserName : x.RoleName)}`).join('\n')}${list.length ? '\n' : ''}`;
      }
      return { stdout: out, stderr: '', exitCode: denied ? 1 : 0 };
    }
    default:
      return fail('usage: console open s3|ec2|iam|account\n', 2);
  }
}

async function link(args: string[], session: ShellSession, env: Record<string, string>): Promise<CommandOutput> {
  const r = parseArgs(args, [
    { name: 'role-name', nargs: 'value' },
    { name: 'account', nargs: 'value' },
    { name: 'display-name', nargs: 'value' },
  ]);
  const role = (r.values.get('role-name') as string | undefined) ?? r.positionals[0];
  if (!role) return fail('usage: console switch-role-link --role-name ROLE [--account ACCOUNT_ID] [--display-name TEXT]\n', 2);
  let account = r.values.get('account') as string | undefined;
  if (!account) account = session.state.console.signedIn?.accountId;
  if (!account) {
    const cli = await session.cliCredentials(env);
    account = cli ? session.world!.whoIs(cli)?.accountId : undefined;
  }
  if (!account) account = session.world!.accountIds()[0];
  if (!account) return fail('iamlab: console: which account? Add --account ACCOUNT_ID\n', 2);
  const dn = r.values.get('display-name') as string | undefined;
  return ok(`https://signin.aws.amazon.com/switchrole?roleName=${encodeURIComponent(role).replace(/%2F/g, '/')}&account=${account}${dn ? `&displayName=${encodeURIComponent(dn)}` : ''}\n`);
}

async function revoke(args: string[], session: ShellSession): Promise<CommandOutput> {
  const nope = needSignIn(session);
  if (nope) return nope;
  const r = parseArgs(args, [{ name: 'role-name', nargs: 'value' }]);
  const role = (r.values.get('role-name') as string | undefined) ?? r.positionals[0];
  if (!role) return fail('usage: console revoke-sessions --role-name ROLE\n', 2);
  const who = activeCredentials(session)!;
  const now = session.now();
  const doc = revokeSessionsPolicy(now);
  const res = await consoleCall(session, who.creds, 'iam', 'PutRolePolicy', { RoleName: role, PolicyName: REVOKE_SESSIONS_POLICY_NAME, PolicyDocument: doc });
  if (!res.ok) {
    const sp = sessionProblem(res);
    if (sp) return fail(sp + '\n');
    return fail(`Revoke active sessions failed: ${res.error.message}\n`);
  }
  return ok(
    `Revoked active sessions of role ${role}: sessions issued before ${now.toISOString()} are now denied every action\n` +
      `(inline policy ${REVOKE_SESSIONS_POLICY_NAME}). New sessions (assume the role again) are not affected.\n`,
  );
}
