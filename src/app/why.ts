// The "why" panel: an Explanation (src/policy/types.ts) drawn as a tree of rows — the
// request, every policy considered with its statements, which statement decided (or that
// nothing allowed), and whether the deny is explicit or implicit. Pure: rows of styled runs.

import type { Explanation, PolicyKind, PolicyTrace, StatementTrace } from '../policy/types.js';
import { wrapRuns, type Row, type Run, type Style } from './text.js';

const OK: Style = { color: 'green', bold: true };
const BAD: Style = { color: 'red', bold: true };
const DIM: Style = { dim: true };
const HEAD: Style = { bold: true };

const KIND_LABEL: Record<PolicyKind, string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  trust: 'trust policy',
  boundary: 'permissions boundary',
  session: 'session policy',
};

const KIND_PLURAL: Record<PolicyKind, string> = {
  identity: 'identity-based policies',
  resource: 'resource-based policy',
  trust: 'role trust policy',
  boundary: 'permissions boundary',
  session: 'session policies',
};

/** Order in which the tree lists policy kinds (AWS's evaluation order). */
const ORDER: PolicyKind[] = ['resource', 'trust', 'identity', 'boundary', 'session'];

function isDeciding(e: Explanation, p: PolicyTrace, st: StatementTrace): boolean {
  return e.deciding.some((d) => d.policy === p.name && d.kind === p.kind && d.index === st.index);
}

export function reasonWords(e: Explanation): string {
  switch (e.reason) {
    case 'allowed':
      return 'Allowed';
    case 'root-user':
      return 'Allowed (account root user)';
    case 'explicit-deny':
      return 'Denied — explicit deny';
    case 'implicit-deny':
      return 'Denied — implicit deny';
  }
}

/** The closing sentence: what decided, in plain words. */
export function verdict(e: Explanation): string {
  const stmt = (d: Explanation['deciding'][number]) => `statement ${d.index + 1}${d.sid ? ` (${d.sid})` : ''} of ${d.policy}`;
  switch (e.reason) {
    case 'explicit-deny': {
      const d = e.deciding.filter((x) => x.effect === 'Deny');
      return `${d.length ? d.map(stmt).join(' and ') : 'A Deny statement'} denies it. An explicit Deny always wins: no Allow anywhere can override it.`;
    }
    case 'implicit-deny': {
      const kinds = e.deniedBy.length ? e.deniedBy.map((k) => `the ${KIND_PLURAL[k]}`).join(' and ') : 'any policy';
      const cross = e.crossAccount && e.request.action.toLowerCase().startsWith('sts:assumerole')
        ? ' Across accounts both sides must allow: the role\'s trust policy and an identity-based policy in the caller\'s account.'
        : e.crossAccount
          ? ' Across accounts both the resource\'s policy and the caller\'s identity-based policy must allow.'
          : '';
      return `Nothing in ${kinds} allows it, and without an Allow the answer is Deny (implicit deny — no statement denies it).${cross}`;
    }
    case 'allowed': {
      const d = e.deciding.filter((x) => x.effect === 'Allow');
      return `${d.length ? d.map(stmt).join(' and ') : 'An Allow statement'} allow${d.length === 1 ? 's' : ''} it, and no Deny applies.`;
    }
    case 'root-user':
      return 'The account root user is allowed without any policy.';
  }
}

function statementRuns(e: Explanation, p: PolicyTrace, st: StatementTrace): { mark: Run; body: Run[] } {
  const deciding = isDeciding(e, p, st);
  const mark: Run = st.applies
    ? st.effect === 'Deny'
      ? { text: '✗ ', style: BAD }
      : { text: '✓ ', style: OK }
    : { text: '· ', style: DIM };
  const body: Run[] = [
    { text: `#${st.index + 1}${st.sid ? ` ${st.sid}` : ''} `, style: st.applies ? HEAD : DIM },
    { text: st.note, ...(st.applies ? {} : { style: DIM }) },
  ];
  if (deciding) body.push({ text: '  ◀ decides', style: st.effect === 'Deny' ? BAD : OK });
  return { mark, body };
}

/**
 * Rows of the explanation tree at `width` cells. `command` is the shell line that made the
 * call (shown on top), `error` AWS's error message.
 */
export function whyRows(e: Explanation, width: number, opts: { command?: string; error?: string } = {}): Row[] {
  const rows: Row[] = [];
  const add = (runs: Run[], first: Run[] = [], indent = '') => rows.push(...wrapRuns(runs, width, first, indent));
  const good = e.decision === 'Allow';
  add([{ text: good ? '✓ ' : '✗ ', style: good ? OK : BAD }, { text: reasonWords(e), style: good ? OK : BAD }]);
  // a shell line shows as typed; a call that came through the endpoint ("⇄ …") as itself
  if (opts.command) add(opts.command.startsWith('⇄ ') ? [{ text: opts.command, style: DIM }] : [{ text: '$ ', style: DIM }, { text: opts.command }], [], '  ');
  add([
    { text: e.request.principal, style: HEAD },
    { text: ' → ' },
    { text: e.request.action, style: { color: 'yellow' } },
    { text: ' on ' },
    { text: e.request.resource },
    ...(e.crossAccount ? [{ text: '  (cross-account)', style: DIM }] : []),
  ]);
  if (opts.error) add([{ text: opts.error, style: DIM }], [], '  ');

  const present = [...new Set(e.policies.map((p) => p.kind))].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  const kinds: PolicyKind[] = [...present];
  // a deciding kind with no policy at all (e.g. "no identity-based policy") gets its own branch
  for (const k of e.deniedBy) if (!kinds.includes(k)) kinds.push(k);
  kinds.forEach((kind, ki) => {
    const lastKind = ki === kinds.length - 1;
    const policies = e.policies.filter((p) => p.kind === kind);
    const branch = lastKind ? '└─ ' : '├─ ';
    const cont = lastKind ? '   ' : '│  ';
    const blame = !good && e.deniedBy.includes(kind);
    add(
      [
        { text: kind === 'identity' ? 'Identity-based policies' : capital(KIND_PLURAL[kind]), style: HEAD },
        ...(policies.length === 0 ? [{ text: ' — none', style: DIM }] : []),
        ...(blame ? [{ text: e.reason === 'explicit-deny' ? '  ← the Deny is here' : '  ← no Allow here', style: BAD }] : []),
      ],
      [{ text: branch, style: DIM }],
      cont,
    );
    policies.forEach((p, pi) => {
      const lastP = pi === policies.length - 1;
      const pb = cont + (lastP ? '└─ ' : '├─ ');
      const pc = cont + (lastP ? '   ' : '│  ');
      const outcome: Run =
        p.outcome === 'allow' ? { text: ' allows', style: OK } : p.outcome === 'deny' ? { text: ' denies', style: BAD } : { text: ' no statement applies', style: DIM };
      add(
        [
          { text: p.name, style: HEAD },
          ...(p.attachedTo ? [{ text: ` (${p.source ? `${p.source}, ` : ''}${p.attachedTo})`, style: DIM }] : p.source ? [{ text: ` (${p.source})`, style: DIM }] : []),
          { text: ' —' },
          outcome,
        ],
        [{ text: pb, style: DIM }],
        pc,
      );
      p.statements.forEach((st, si) => {
        const lastS = si === p.statements.length - 1;
        const { mark, body } = statementRuns(e, p, st);
        add(body, [{ text: pc + (lastS ? '└─ ' : '├─ '), style: DIM }, mark], pc + (lastS ? '     ' : '│    '));
        for (const c of st.conditions) {
          if (st.applies && c.result) continue;
          if (st.note.includes(c.key)) continue; // the statement's note already says it
          const req = c.requestValues === undefined ? 'absent from the request' : `request has ${c.requestValues.join(', ') || '""'}`;
          add(
            [{ text: `${c.result ? '✓' : '✗'} ${c.operator} ${c.key} ${c.values.join(', ')} — ${req}`, style: c.result ? DIM : { color: 'red' } }],
            [{ text: pc + (lastS ? '       ' : '│      ') }],
            pc + (lastS ? '       ' : '│      '),
          );
        }
      });
    });
  });
  rows.push([]);
  add([{ text: verdict(e), style: good ? {} : { bold: true } }]);
  if (e.summary && e.summary !== verdict(e)) add([{ text: e.summary, style: DIM }]);
  return rows;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export { KIND_LABEL };
