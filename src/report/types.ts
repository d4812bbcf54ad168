// The completion report: what `iamlab report` writes and `iamlab verify` / `roster` read.
// Field names follow the progress record of lab-format §5.5 (snake_case). Every field is
// covered by the signature (see sign.ts); derived figures (steps passed, hints used) are
// not stored, they are computed from the steps so they cannot disagree with them.
import { z } from 'zod';

export const REPORT_FORMAT = 'iamlab-report';
export const REPORT_FORMAT_VERSION = 1;
export const CANONICALIZATION = 'iamlab-c14n-v1';
export const SIGNATURE_ALGORITHM = 'HMAC-SHA256';
export const UNSIGNED_NOTE = 'unsigned: no workshop key';

/** UTC ISO-8601 as Date#toISOString writes it (milliseconds optional). */
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
export function isIsoTime(s: string): boolean {
  return ISO_RE.test(s) && !Number.isNaN(Date.parse(s));
}
const IsoTime = z.string().refine(isIsoTime, { message: 'not a UTC time like 2026-01-01T09:00:00.000Z' });
const Id = z.string().min(1).max(200);

/** What a step's check says when the report was generated (recompute, don't trust). */
export const CheckNowSchema = z.strictObject({
  /** pass/fail/pending/error as lab checks answer; not-checked when the checks could not be re-run. */
  status: z.enum(['pass', 'fail', 'pending', 'error', 'not-checked']),
  /** The first failing leaf's message, or why it was not checked. */
  message: z.string().max(2000).optional(),
  /** What the re-run read or decided ("read: role …: trust Allow …"), one line each (`iamlab check --evidence`). */
  evidence: z.array(z.string().max(500)).max(50).optional(),
});

export const ReportStepSchema = z.strictObject({
  id: Id,
  title: z.string().max(500).optional(),
  /** When the learner reached the step (null when not recorded). */
  started_at: IsoTime.nullable(),
  /** When the step first passed in the app (null: never). */
  passed_at: IsoTime.nullable(),
  /** Checks that failed (pending/error never count). */
  attempts: z.number().int().min(0).max(1_000_000),
  /** Hint ids revealed, in the order shown. */
  hints_shown: z.array(Id).max(1000),
  solution_viewed: z.boolean(),
  /** The learner used Skip: the solution ran through the shell. */
  skipped: z.boolean(),
  now: CheckNowSchema,
});

export const BackendSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sim') }),
  /** account_id null: the progress did not record which account. */
  z.strictObject({ kind: z.literal('real'), account_id: z.string().regex(/^\d{12}$/, 'not a 12-digit account id').nullable() }),
]);

export const ReportLabSchema = z.strictObject({
  id: Id,
  version: z.string().min(1).max(100),
  /** The lab content hash this iamlab computed for the lab the learner ran. */
  content_hash: z.string().min(1).max(200),
  title: z.string().max(500).optional(),
  backend: BackendSchema,
  started_at: IsoTime.nullable(),
  /** When the checks were re-run for this report (null: they were not). */
  checked_at: IsoTime.nullable(),
  recheck: z.strictObject({
    status: z.enum(['done', 'not-run', 'error']),
    note: z.string().max(2000).optional(),
  }),
  steps: z.array(ReportStepSchema).max(500),
});

export const SignatureSchema = z.discriminatedUnion('algorithm', [
  z.strictObject({
    algorithm: z.literal(SIGNATURE_ALGORITHM),
    canonicalization: z.literal(CANONICALIZATION),
    /** Which workshop key signed it (a hash of the key, not the key). */
    key_id: z.string().regex(/^[0-9a-f]{16}$/, 'not a 16-hex-digit key id'),
    value: z.string().regex(/^[0-9a-f]{64}$/, 'not a 64-hex-digit HMAC-SHA256'),
  }),
  z.strictObject({ algorithm: z.literal('none'), note: z.string().max(200) }),
]);

export const ReportSchema = z.strictObject({
  format: z.literal(REPORT_FORMAT),
  format_version: z.literal(REPORT_FORMAT_VERSION),
  iamlab_version: z.string().min(1).max(100),
  generated_at: IsoTime,
  learner: z.string().max(200).nullable(),
  labs: z.array(ReportLabSchema).max(200),
  signature: SignatureSchema,
});

export type CheckNow = z.infer<typeof CheckNowSchema>;
export type ReportStep = z.infer<typeof ReportStepSchema>;
export type ReportBackend = z.infer<typeof BackendSchema>;
export type ReportLab = z.infer<typeof ReportLabSchema>;
export type Signature = z.infer<typeof SignatureSchema>;
export type Report = z.infer<typeof ReportSchema>;
export type UnsignedReport = Omit<Report, 'signature'>;
export type ReportFormat = 'json' | 'md' | 'junit';

/** Figures derived from a lab's steps (never stored in the report). */
export interface LabFigures {
  total: number;
  /** Steps that count as done: passing now (when the checks were re-run and the step has a check), else recorded as passed. Skipped steps excluded. */
  passed: number;
  skipped: number;
  /** Steps recorded as passed in the app. */
  passedRecorded: number;
  /** Steps recorded as passed that do not pass now. */
  regressed: number;
  hints: number;
  solutionsViewed: number;
  attempts: number;
  /** True when the figures come from the recorded progress only. */
  recordedOnly: boolean;
}

export function labFigures(lab: ReportLab): LabFigures {
  const recordedOnly = lab.recheck.status !== 'done';
  let passed = 0;
  let skipped = 0;
  let passedRecorded = 0;
  let regressed = 0;
  let hints = 0;
  let solutionsViewed = 0;
  let attempts = 0;
  for (const s of lab.steps) {
    // A step the re-run could not judge (nothing to check) counts as recorded.
    const now = recordedOnly || s.now.status === 'not-checked' ? s.passed_at !== null : s.now.status === 'pass';
    if (s.skipped) skipped++;
    else if (now) passed++;
    if (s.passed_at !== null) passedRecorded++;
    if (!recordedOnly && s.passed_at !== null && s.now.status !== 'pass') regressed++;
    hints += s.hints_shown.length;
    if (s.solution_viewed) solutionsViewed++;
    attempts += s.attempts;
  }
  return { total: lab.steps.length, passed, skipped, passedRecorded, regressed, hints, solutionsViewed, attempts, recordedOnly };
}
