// The "map" panel: the lab world's users and roles, and for each role which principals may
// assume it — allowed or denied, and by which rule — as rows of styled runs. The controller
// computes the MapView with the world's canAssume; this file only draws it. Pure.

import type { Explanation } from '../policy/types.js';
import type { MapEdge, MapView } from './model.js';
import { truncate, wrapRuns, textWidth, type Row, type Run, type Style } from './text.js';

const OK: Style = { color: 'green', bold: true };
const BAD: Style = { color: 'red' };
const DIM: Style = { dim: true };
const HEAD: Style = { bold: true };
const ROLE: Style = { color: 'magenta', bold: true };
const USER: Style = { color: 'cyan' };

/** The rule that decided an AssumeRole explanation, in a few words. */
export function ruleOf(e: Explanation): string {
  const st = (d: Explanation['deciding'][number]) => {
    const where = d.kind === 'trust' ? 'trust policy' : d.kind === 'identity' ? d.policy : `${d.kind} ${d.policy}`;
    return `${where} #${d.index + 1}${d.sid ? ` ${d.sid}` : ''}`;
  };
  switch (e.reason) {
    case 'allowed':
      return e.deciding.filter((d) => d.effect === 'Allow').map(st).join(' + ') || 'allowed';
    case 'root-user':
      return 'account root user';
    case 'explicit-deny':
      return `explicit Deny: ${e.deciding.filter((d) => d.effect === 'Deny').map(st).join(', ') || 'a Deny statement'}`;
    case 'implicit-deny': {
      const what = e.deniedBy.map((k) => (k === 'trust' ? 'the trust policy' : k === 'identity' ? 'an identity policy' : `the ${k} policy`));
      return `implicit: no Allow in ${what.join(' or ') || 'any policy'}`;
    }
  }
}

const shortName = (arn: string) => arn.replace(/^arn:aws:(iam|sts)::\d{12}:/, '');

export function mapRows(map: MapView, width: number, opts: { focus?: string } = {}): Row[] {
  const rows: Row[] = [];
  const add = (runs: Run[], first: Run[] = [], indent = '') => rows.push(...wrapRuns(runs, width, first, indent));
  const multi = map.accounts.length > 1;
  const label = (arn: string) => {
    const n = map.nodes.find((x) => x.arn === arn);
    if (!n) return shortName(arn);
    return multi ? `${n.name}@${n.accountId}` : n.name;
  };

  for (const acct of map.accounts) {
    const users = map.nodes.filter((n) => n.accountId === acct.id && n.kind === 'user');
    const roles = map.nodes.filter((n) => n.accountId === acct.id && n.kind === 'role');
    add([{ text: `Account ${acct.id}`, style: HEAD }, ...(acct.alias ? [{ text: ` (${acct.alias})`, style: DIM }] : [])]);
    add([{ text: 'users  ', style: DIM }, ...(users.length ? joinRuns(users.map((u) => ({ text: u.name, style: USER }))) : [{ text: 'none', style: DIM }])], [{ text: '  ' }], '         ');
    add([{ text: 'roles  ', style: DIM }, ...(roles.length ? joinRuns(roles.map((r) => ({ text: r.name, style: ROLE }))) : [{ text: 'none', style: DIM }])], [{ text: '  ' }], '         ');
  }
  rows.push([]);

  const roles = map.nodes.filter((n) => n.kind === 'role');
  if (roles.length === 0) {
    add([{ text: 'No roles yet: nobody can assume anything.', style: DIM }]);
    return rows;
  }
  add([{ text: 'Who may assume which role', style: HEAD }]);
  const nameW = Math.min(18, Math.max(...map.nodes.map((n) => textWidth(label(n.arn)))));
  for (const role of roles) {
    const edges = map.edges.filter((e) => e.to === role.arn);
    const focus = opts.focus === role.arn;
    add([{ text: `▣ ${label(role.arn)}`, style: ROLE }, ...(focus ? [{ text: '  ◀', style: HEAD }] : [])]);
    if (edges.length === 0) {
      add([{ text: 'no principal to test', style: DIM }], [{ text: '    ' }], '    ');
      continue;
    }
    const sorted = [...edges].sort((a, b) => Number(b.decision === 'Allow') - Number(a.decision === 'Allow'));
    for (const e of sorted) rows.push(...edgeRows(e, label, nameW, width));
  }
  return rows;
}

function edgeRows(e: MapEdge, label: (arn: string) => string, nameW: number, width: number): Row[] {
  const ok = e.decision === 'Allow';
  const who = truncate(label(e.from), nameW).padEnd(nameW);
  const arrow: Run = ok ? { text: ' ──✓──▶ ', style: OK } : { text: ' ──✗──  ', style: BAD };
  const first: Run[] = [{ text: '  ' }, { text: who, style: USER }, arrow];
  const indent = ' '.repeat(2 + nameW + 8);
  return wrapRuns([{ text: ok ? 'may assume' : e.reason === 'explicit-deny' ? 'denied (explicit)' : 'denied (implicit)', style: ok ? OK : BAD }, { text: ` — ${e.rule}`, style: DIM }], width, first, indent);
}

function joinRuns(rs: Run[]): Run[] {
  const out: Run[] = [];
  rs.forEach((r, i) => {
    if (i > 0) out.push({ text: ', ' });
    out.push(r);
  });
  return out;
}
