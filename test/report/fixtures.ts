// Shared test data: a lab definition and progress shaped as labs-api.md describes them.
import { buildLabReport, buildReport, type LabInfo, type ProgressInfo, type Recheck } from '../../src/report/build.js';
import { signReport } from '../../src/report/sign.js';
import type { Report } from '../../src/report/types.js';
import type { KnownLab, LabLookup } from '../../src/report/verify.js';

export const KEY = 'workshop-key-for-room-7';

export const LAB: LabInfo & { hints: Record<string, string[]> } = {
  id: 'zero-permission-user',
  version: '1.2.0',
  contentHash: 'sha256:9f2c1e0b7a6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4b3a2',
  title: 'A user with no permissions assumes a role',
  steps: [
    { id: 'create-user', title: 'Create the user sts_user' },
    { id: 'trust-names-user', title: 'Create the role AWSEC2FULLACCESS | with a custom trust policy' },
    { id: 'assume', title: 'Assume the role as sts_user' },
  ],
  hints: { 'create-user': ['which-command'], 'trust-names-user': ['where-trust', 'root-vs-user'], assume: ['export'] },
};

export const LAB2: LabInfo & { hints: Record<string, string[]> } = {
  id: 'cross-account-role',
  version: '0.3.1',
  contentHash: 'sha256:0011223344556677889900112233445566778899001122334455667788990011',
  title: 'Cross-account access with a role',
  steps: [
    { id: 'trust-other-account', title: 'Trust the other account' },
    { id: 'allow-assume', title: 'Allow the user to assume it' },
  ],
  hints: { 'trust-other-account': ['account-root'], 'allow-assume': [] },
};

export function known(l: typeof LAB): KnownLab {
  return { id: l.id, version: l.version, contentHash: l.contentHash, steps: l.steps.map((s) => ({ id: s.id, hints: l.hints[s.id] ?? [] })) };
}
export const lookup: LabLookup = (id) => [known(LAB), known(LAB2)].find((k) => k.id === id);

export const PROGRESS: ProgressInfo = {
  version: LAB.version,
  contentHash: LAB.contentHash,
  backend: 'sim',
  started_at: '2026-01-01T09:00:00.000Z',
  steps: {
    'create-user': { started_at: '2026-01-01T09:00:00.000Z', passed_at: '2026-01-01T09:03:10.000Z', attempts: 1, hints_shown: [], solution_viewed: false, skipped: false },
    'trust-names-user': {
      started_at: '2026-01-01T09:03:10.000Z',
      passed_at: '2026-01-01T09:14:02.500Z',
      attempts: 3,
      hints_shown: ['where-trust', 'root-vs-user'],
      solution_viewed: true,
      skipped: false,
    },
    assume: { started_at: '2026-01-01T09:14:02.500Z', passed_at: '2026-01-01T09:16:00.000Z', attempts: 0, hints_shown: [], solution_viewed: false, skipped: true },
  },
};

export const RECHECK: Recheck = {
  status: 'done',
  at: new Date('2026-01-01T10:00:00.000Z'),
  results: [
    { stepId: 'create-user', status: 'pass' },
    { stepId: 'trust-names-user', status: 'fail', message: 'sts_user still cannot assume the role: the trust policy names "arn:aws:iam::111122223333:root" & <nothing> for the user' },
    { stepId: 'assume', status: 'pass' },
  ],
};

export const NOW = new Date('2026-01-01T10:00:01.000Z');

/** key null = unsigned. */
export function sampleReport(key: string | null = KEY, learner = 'Ada Lovelace', hashes?: { lab: string; lab2: string }): Report {
  const lab = buildLabReport({ lab: hashes ? { ...LAB, contentHash: hashes.lab } : LAB, progress: PROGRESS, recheck: RECHECK });
  const lab2 = buildLabReport({
    lab: hashes ? { ...LAB2, contentHash: hashes.lab2 } : LAB2,
    progress: { backend: 'real', account_id: '444455556666', started_at: '2026-01-01T09:20:00.000Z', steps: { 'trust-other-account': { started_at: '2026-01-01T09:20:00.000Z', attempts: 2, hints_shown: ['account-root'] } } },
    recheck: { status: 'not-run', note: 'real account: re-run the checks with iamlab verify --real --profile P' },
  });
  return signReport(buildReport([lab, lab2], { learner, now: NOW, version: '0.1.0' }), key ?? undefined);
}

// ---------- a labs folder for the command tests (loaded by the real loader) ----------
import { mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LAB_YAML = `format: 1
id: zero-permission-user
version: 1.2.0
title: A user with no permissions assumes a role
summary: Report tests' copy of a small lab.
minutes: 10
level: beginner
world:
  accounts:
    main: { id: "111122223333" }
  users:
    - name: admin
      access_keys: 1
      policies: [AdministratorAccess]
  start_as:
    shell: { user: admin }
steps:
  - id: create-user
    title: Create the user sts_user
    text: Create an IAM user named sts_user.
    check:
      user: { name: sts_user }
    hints:
      - id: which-command
        text: "aws iam create-user"
    solution:
      commands: ["aws iam create-user --user-name sts_user"]
  - id: trust-names-user
    title: Create the role AWSEC2FULLACCESS | with a custom trust policy
    text: Create the role.
    check:
      role: { name: AWSEC2FULLACCESS }
    hints:
      - id: where-trust
        text: The trust policy is the role's assume role policy document.
      - id: root-vs-user
        text: Compare the account root with the user.
    solution:
      commands:
        - aws iam create-role --role-name AWSEC2FULLACCESS --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/sts_user"},"Action":"sts:AssumeRole"}]}'
  - id: assume
    title: Assume the role as sts_user
    text: Read about it.
    kind: read
    hints:
      - id: export
        text: export the credentials
`;

export const LAB2_YAML = `format: 1
id: cross-account-role
version: 0.3.1
title: Cross-account access with a role
summary: Report tests' second lab.
minutes: 10
level: intermediate
world:
  accounts:
    main: { id: "111122223333" }
  users:
    - name: admin
      access_keys: 1
      policies: [AdministratorAccess]
  start_as:
    shell: { user: admin }
steps:
  - id: trust-other-account
    title: Trust the other account
    text: Create the role.
    check:
      role: { name: CrossRole }
    hints:
      - id: account-root
        text: Name the other account's root.
    solution:
      commands:
        - aws iam create-role --role-name CrossRole --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}'
  - id: allow-assume
    title: Allow the user to assume it
    text: Read.
    kind: read
`;

export function labsFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'iamlab-labs-'));
  for (const [id, text] of [
    ['zero-permission-user', LAB_YAML],
    ['cross-account-role', LAB2_YAML],
  ] as const) {
    mkdirSync(join(dir, id));
    writeFileSync(join(dir, id, 'lab.yaml'), text);
  }
  return dir;
}
