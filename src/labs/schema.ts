// The lab file format (labs/<id>/lab.yaml) as a zod schema. The JSON Schema an author's
// editor uses (labs/_schema/lab.schema.json) is generated from LabFileSchema by
// scripts/gen-lab-schema.ts; a test keeps the committed copy current.
import { z } from 'zod';
import { AnswerLeaf, CheckSchema } from '../checks/spec.js';

const str = z.string().min(1);
const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case letters, digits and dashes (e.g. create-role)')
  .describe('stable id (progress key)');
const AccountRef = str.describe('account key from world.accounts (main, prod …); default: the first account');

/** A policy document: a YAML mapping (written as JSON would be) or a JSON string. */
const PolicyDoc = z.union([str, z.record(z.string(), z.unknown())]).describe('policy document: a mapping or a JSON string; {account.KEY} is replaced');

const PolicyList = z.array(str).describe('managed policies to attach: ARNs, or names of AWS managed / this lab\'s customer policies');
const InlineMap = z.record(z.string(), PolicyDoc).describe('inline policies: name → document');

const AccountSpec = z.strictObject({
  id: z.string().regex(/^\d{12}$/, 'an account id has 12 digits'),
  alias: str.optional(),
  name: str.optional().describe('account name shown in the console'),
});

const UserSpec = z.strictObject({
  account: AccountRef.optional(),
  name: str,
  path: str.optional(),
  login_profile: z.boolean().optional().describe('console access'),
  access_keys: z.number().int().min(0).max(2).optional(),
  policies: PolicyList.optional(),
  inline: InlineMap.optional(),
  groups: z.array(str).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

const GroupSpec = z.strictObject({
  account: AccountRef.optional(),
  name: str,
  policies: PolicyList.optional(),
  inline: InlineMap.optional(),
});

const RoleSpec = z.strictObject({
  account: AccountRef.optional(),
  name: str,
  path: str.optional(),
  description: z.string().optional(),
  trust: PolicyDoc,
  policies: PolicyList.optional(),
  inline: InlineMap.optional(),
  max_session: z.number().int().min(3600).max(43200).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

const CustomerPolicySpec = z.strictObject({
  account: AccountRef.optional(),
  name: str,
  description: z.string().optional(),
  document: PolicyDoc,
});

const BucketSpec = z.strictObject({
  account: AccountRef.optional(),
  name: str,
  region: str.optional(),
  objects: z.record(z.string(), z.string()).optional().describe('key → text content'),
});

const InstanceSpec = z.strictObject({
  account: AccountRef.optional(),
  name: str.optional(),
  id: z.string().regex(/^i-[0-9a-f]{8,17}$/).optional(),
  type: str.optional(),
  state: z.enum(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated']).optional(),
  region: str.optional(),
});

const IdentityRef = z.union([
  z.strictObject({ account: AccountRef.optional(), user: str }),
  z.strictObject({ account: AccountRef.optional(), root: z.literal(true) }),
]);

const StartAs = z.strictObject({
  shell: IdentityRef.optional().describe("the default profile's keys (who `aws` runs as at step 1); omit for no credentials"),
  profiles: z.record(z.string(), IdentityRef).optional().describe('more named profiles with the keys of these identities'),
  console: z.strictObject({ account: AccountRef.optional(), user: str }).optional().describe('who is signed in to the console at step 1, if anyone'),
  region: str.optional().describe('default region (us-east-1)'),
});

export const WorldSpecSchema = z.strictObject({
  clock: z.string().datetime({ offset: true }).optional().describe('start time of the simulated clock'),
  accounts: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'account keys are lower-case words (main, prod …)'), AccountSpec).refine((a) => Object.keys(a).length > 0, 'a world needs at least one account'),
  users: z.array(UserSpec).optional(),
  groups: z.array(GroupSpec).optional(),
  roles: z.array(RoleSpec).optional(),
  policies: z.array(CustomerPolicySpec).optional().describe('customer managed policies'),
  buckets: z.array(BucketSpec).optional(),
  instances: z.array(InstanceSpec).optional(),
  start_as: StartAs.optional(),
});

const HintSchema = z.strictObject({
  id,
  text: str.describe('Markdown'),
  after: z
    .strictObject({ attempts: z.number().int().min(1).optional(), seconds: z.number().int().min(1).optional() })
    .optional()
    .describe('gating: shown only after this many failed checks or seconds on the step'),
});

const SolutionCommand = z.union([
  str,
  z.strictObject({
    run: str,
    capture: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'capture names are UPPER_CASE'), str).optional().describe('NAME → path into the JSON output (Credentials.AccessKeyId); later commands use {NAME}'),
    expect_fail: z.boolean().optional().describe('this command is meant to fail (e.g. shows an AccessDenied)'),
  }),
]);

const SolutionSchema = z.strictObject({
  show: z.enum(['after_pass', 'on_request', 'never']).optional().describe('default on_request'),
  commands: z.array(SolutionCommand).optional().describe("shell commands in iamlab's shell language"),
  files: z.record(z.string(), z.string()).optional().describe('files written to the workspace before the commands; {account.KEY}, {now} replaced'),
  answers: z.record(z.string(), z.string()).optional().describe('answer / quiz answers: question id (or "answer") → text'),
});

const DiagnoseSchema = z.strictObject({
  id,
  when: CheckSchema.describe('the mistake is recognised when this check holds'),
  say: str.describe('what the learner did, and what to do instead'),
  hint: id.optional().describe('a hint id of this step to offer'),
});

const QuestionSchema = z.strictObject({
  id,
  text: str.describe('the question (Markdown)'),
  choices: z.array(str).optional().describe('options shown to the learner'),
  accept: AnswerLeaf.omit({ question: true }).describe('what counts as right'),
  explain: str.optional().describe('shown after a correct answer'),
});

const StepSchema = z.strictObject({
  id,
  title: str,
  kind: z.enum(['task', 'quiz', 'answer', 'read']).optional().describe('default task'),
  tutorial: str.optional().describe("the tutorial's step numbers this covers, e.g. \"10–11\""),
  text: str.describe('instructions (Markdown), or a path steps/<file>.md'),
  prompt: str.optional().describe('for answer steps: what to type'),
  questions: z.array(QuestionSchema).optional(),
  why: str.optional().describe('why it matters — shown after the pass'),
  clock: z.string().regex(/^\+\d+[smh]$/, 'a clock step is +N followed by s, m or h (e.g. +10m)').optional().describe('simulated account only: time that passes when the step begins (+10m)'),
  check: CheckSchema.optional(),
  diagnose: z.array(DiagnoseSchema).optional(),
  hints: z.array(HintSchema).optional(),
  solution: SolutionSchema.optional(),
  skip: z.enum(['allowed', 'forbidden']).optional().describe('default allowed'),
});

export const LabFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    format: z.number().int().describe('format version; this iamlab reads 1'),
    id,
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'version is MAJOR.MINOR.PATCH'),
    title: str,
    summary: str,
    seed: z.string().regex(/^\d{3}$/).optional().describe('the tutorial it follows (000 … 004)'),
    minutes: z.number().int().min(1),
    level: z.enum(['beginner', 'intermediate', 'advanced']),
    tags: z.array(str).optional(),
    backends: z.array(z.enum(['sim', 'real'])).optional().describe('default [sim]'),
    locale: str.optional(),
    world: WorldSpecSchema,
    steps: z.array(StepSchema).min(1),
    finish: z.strictObject({ text: str, next: z.array(str).optional() }).optional(),
  })
  .describe('An iamlab lab');

export type LabFile = z.infer<typeof LabFileSchema>;
export type WorldSpec = z.infer<typeof WorldSpecSchema>;
export type Step = z.infer<typeof StepSchema>;
export type Hint = z.infer<typeof HintSchema>;
export type Solution = z.infer<typeof SolutionSchema>;
export type SolutionCommandSpec = z.infer<typeof SolutionCommand>;
export type Question = z.infer<typeof QuestionSchema>;
export type Diagnose = z.infer<typeof DiagnoseSchema>;

/** A lab as loaded: the file's content plus where it came from and its content hash. */
export interface Lab extends LabFile {
  /** Folder of the lab. */
  dir: string;
  /** Path of lab.yaml. */
  file: string;
  /** sha256 (hex) of lab.yaml and the step Markdown files it references. */
  contentHash: string;
  /** Resolved step texts (steps/<file>.md inlined). */
  steps: Step[];
}
