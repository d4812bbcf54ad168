// The app's pure parts: key routing, the line editor, Markdown, ~/.aws/config, the reducer
// (with its intents), and the rows the screens draw (why tree, map, shell viewport).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { keyEvents, route, splitText, type InkKey, type KeyEvent } from '../../src/app/keys.js';
import { applyCompletion, commonPrefix, lineReducer, lineState, lineText } from '../../src/app/line-editor.js';
import { parseInline, parseMarkdown, renderMarkdown } from '../../src/app/markdown.js';
import { parseIni, profilesFrom } from '../../src/app/aws-config.js';
import { columns, dialogCommandLine, initialState, inputContext, layoutOf, reducer, shellQuote, type Action, type AppState } from '../../src/app/state.js';
import { codeWrap, rowText, textWidth, wrapRuns, hardWrap, truncate } from '../../src/app/text.js';
import { inputLine, keyBar, panelRows, shellTitle, shellViewport, stepPanelRows, catalogEntryRows, summaryRows, formatDuration } from '../../src/app/screens.js';
import { whyRows, verdict } from '../../src/app/why.js';
import { mapRows, ruleOf } from '../../src/app/map.js';
import { noTerminalMessage, terminalProblem, colorEnabled } from '../../src/app/tty.js';
import { arnLabel, promptFor } from '../../src/app/identity.js';
import { openProblem, realBanner, retryNotice } from '../../src/app/controller.js';
import { catalogEntries, readProgressRecords } from '../../src/app/catalog-cache.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabOpened, LabSnapshot, StepView } from '../../src/app/model.js';
import { authorize, validatePolicy } from '../../src/policy/index.js';
import type { PolicyDocument, PrincipalInfo } from '../../src/policy/types.js';

const NO_KEY: InkKey = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false,
};
const k = (over: Partial<InkKey>): InkKey => ({ ...NO_KEY, ...over });

describe('keys: Ink input → events', () => {
  it('splits a paste of text plus Enter into text and enter, line by line', () => {
    assert.deepEqual(keyEvents('aws s3 ls\r', NO_KEY), [{ kind: 'text', text: 'aws s3 ls' }, { kind: 'key', name: 'enter' }]);
    assert.deepEqual(splitText('a\r\nb\nc'), [
      { kind: 'text', text: 'a' }, { kind: 'key', name: 'enter' },
      { kind: 'text', text: 'b' }, { kind: 'key', name: 'enter' },
      { kind: 'text', text: 'c' },
    ]);
  });
  it('a Tab at the end of a chunk is the Tab key (fast typing), inside a paste it is text', () => {
    assert.deepEqual(splitText('aws ia\t'), [{ kind: 'text', text: 'aws ia' }, { kind: 'key', name: 'tab' }]);
  });
  it('reads \\x7f (Linux Backspace, key.delete in Ink 6.8) as backspace, inside text too', () => {
    assert.deepEqual(keyEvents('', k({ delete: true })), [{ kind: 'key', name: 'backspace' }]);
    assert.deepEqual(splitText('ab\x7fc'), [{ kind: 'text', text: 'ab' }, { kind: 'key', name: 'backspace' }, { kind: 'text', text: 'c' }]);
  });
  it('drops control characters and bracketed-paste markers, keeps tabs as spaces', () => {
    assert.deepEqual(splitText('\x1b[200~x\ty\x1b[201~\x07'), [{ kind: 'text', text: 'x\ty' }]);
  });
  it('names arrows, ctrl letters, shift-tab and meta', () => {
    assert.deepEqual(keyEvents('', k({ upArrow: true })), [{ kind: 'key', name: 'up' }]);
    assert.deepEqual(keyEvents('c', k({ ctrl: true })), [{ kind: 'ctrl', letter: 'c' }]);
    assert.deepEqual(keyEvents('', k({ tab: true, shift: true })), [{ kind: 'key', name: 'backtab' }]);
    assert.deepEqual(keyEvents('b', k({ meta: true })), [{ kind: 'meta', char: 'b' }]);
    assert.deepEqual(keyEvents('', k({ escape: true, meta: true })), [{ kind: 'key', name: 'escape' }]);
  });
});

describe('keys: one table per context', () => {
  const text = (t: string): KeyEvent => ({ kind: 'text', text: t });
  it('types letters in the shell but reads them as commands in lab keys', () => {
    assert.deepEqual(route('lab-shell', text('h')), { type: 'insert', text: 'h' });
    assert.deepEqual(route('lab-nav', text('h')), { type: 'hint' });
    assert.deepEqual(route('lab-nav', text('q')), { type: 'quit' });
    assert.deepEqual(route('lab-shell', text('q')), { type: 'insert', text: 'q' });
  });
  it('Ctrl-C interrupts everywhere; Esc toggles shell ↔ lab keys', () => {
    for (const ctx of ['catalog', 'lab-shell', 'lab-nav', 'overlay', 'confirm', 'dialog-text', 'dialog-choice', 'complete', 'busy'] as const) {
      assert.deepEqual(route(ctx, { kind: 'ctrl', letter: 'c' }), { type: 'interrupt' }, ctx);
    }
    assert.deepEqual(route('lab-shell', { kind: 'key', name: 'escape' }), { type: 'focus', to: 'nav' });
    assert.deepEqual(route('lab-nav', { kind: 'key', name: 'escape' }), { type: 'focus', to: 'shell' });
  });
  it('Enter never confirms; only y does', () => {
    assert.deepEqual(route('confirm', { kind: 'key', name: 'enter' }), { type: 'no' });
    assert.deepEqual(route('confirm', text('y')), { type: 'yes' });
  });
  it('a stray multi-character paste means nothing outside text fields', () => {
    assert.equal(route('catalog', text('qq')), undefined);
    assert.equal(route('busy', text('q')), undefined);
  });
});

describe('line editor', () => {
  it('inserts at the cursor, moves by words, kills', () => {
    let s = lineState('aws s3');
    s = lineReducer(s, { type: 'cursor', to: 'word-left' });
    assert.equal(s.cursor, 4);
    s = lineReducer(s, { type: 'insert', text: 'sts ' });
    assert.equal(lineText(s), 'aws sts s3');
    s = lineReducer(s, { type: 'kill', what: 'word' });
    assert.equal(lineText(s), 'aws s3');
    s = lineReducer(s, { type: 'kill', what: 'to-end' });
    assert.equal(lineText(s), 'aws ');
    s = lineReducer(s, { type: 'backspace' });
    assert.equal(lineText(s), 'aws');
  });
  it('counts code points, so an emoji is one backspace', () => {
    let s = lineState('ok 👍');
    s = lineReducer(s, { type: 'backspace' });
    assert.equal(lineText(s), 'ok ');
  });
  it('browses history and restores the draft', () => {
    let s = lineState('', ['one', 'two']);
    s = lineReducer(s, { type: 'insert', text: 'dra' });
    s = lineReducer(s, { type: 'history', dir: -1 });
    assert.equal(lineText(s), 'two');
    s = lineReducer(s, { type: 'history', dir: -1 });
    s = lineReducer(s, { type: 'history', dir: -1 });
    assert.equal(lineText(s), 'one');
    s = lineReducer(s, { type: 'history', dir: 1 });
    s = lineReducer(s, { type: 'history', dir: 1 });
    assert.equal(lineText(s), 'dra');
    s = lineReducer(s, { type: 'commit' });
    assert.deepEqual(s.history, ['one', 'two', 'dra']);
    assert.equal(lineText(s), '');
  });
  it('does not record blank lines or repeats', () => {
    let s = lineState('two', ['two']);
    s = lineReducer(s, { type: 'commit' });
    s = lineReducer(lineReducer(s, { type: 'insert', text: '  ' }), { type: 'commit' });
    assert.deepEqual(s.history, ['two']);
  });
  it('completes one candidate with a space, several to their common prefix', () => {
    const one = applyCompletion(lineState('aws ia'), 4, ['iam']);
    assert.equal(lineText(one.state), 'aws iam ');
    const many = applyCompletion(lineState('aws iam list-ro'), 8, ['list-roles', 'list-role-policies', 'list-role-tags']);
    assert.equal(lineText(many.state), 'aws iam list-role');
    assert.equal(many.shown.length, 3);
    assert.equal(commonPrefix(['abc', 'abd']), 'ab');
  });
});

describe('markdown', () => {
  it('reads emphasis, code spans and links', () => {
    const r = parseInline('Give **balu** an *inline* policy: `sts:*` — see [the docs](https://docs.aws.amazon.com/iam).');
    assert.deepEqual(
      r.map((x) => [x.text, x.style?.bold ?? false, x.style?.italic ?? false, x.style?.code ?? false]),
      [
        ['Give ', false, false, false],
        ['balu', true, false, false],
        [' an ', false, false, false],
        ['inline', false, true, false],
        [' policy: ', false, false, false],
        ['sts:*', false, false, true],
        [' — see ', false, false, false],
        ['the docs', false, false, false],
        [' (https://docs.aws.amazon.com/iam)', false, false, false],
        ['.', false, false, false],
      ],
    );
    assert.equal(r[7]!.href, 'https://docs.aws.amazon.com/iam');
  });
  it('an escaped asterisk does not close emphasis', () => {
    const r = parseInline('*All STS actions (sts:\\*)*, resources **All**');
    assert.deepEqual(r.map((x) => [x.text, x.style?.italic ?? false, x.style?.bold ?? false]), [['All STS actions (sts:*)', true, false], [', resources ', false, false], ['All', false, true]]);
  });
  it('keeps snake_case words and lone asterisks literal', () => {
    assert.equal(parseInline('sts_user has a * resource').map((x) => x.text).join(''), 'sts_user has a * resource');
  });
  it('keeps backticks around code when there is no colour', () => {
    assert.equal(parseInline('run `aws s3 ls`', undefined, true).map((x) => x.text).join(''), 'run `aws s3 ls`');
  });
  it('parses headings, lists (nested), fenced code inside a list item, quotes and rules', () => {
    const md = [
      '## Create the role',
      '',
      '1. Open **IAM**.',
      '2. Run:',
      '',
      '   ```sh',
      '   aws iam create-role \\',
      '     --role-name temp-user',
      '   ```',
      '   - nested point',
      '',
      '> The console warns about `*`.',
      '',
      '---',
    ].join('\n');
    const b = parseMarkdown(md);
    assert.deepEqual(b.map((x) => x.kind), ['heading', 'list', 'quote', 'rule']);
    const list = b[1]!;
    assert.ok(list.kind === 'list' && list.ordered && list.items.length === 2);
    if (list.kind !== 'list') return;
    assert.deepEqual(list.items[1]!.map((x) => x.kind), ['paragraph', 'code', 'list']);
    const code = list.items[1]![1]!;
    assert.ok(code.kind === 'code');
    if (code.kind === 'code') assert.equal(code.text, 'aws iam create-role \\\n  --role-name temp-user');
  });
  it('lays out within the width, numbering and indenting list items', () => {
    const rows = renderMarkdown('1. A long sentence that has to wrap onto a second row here.\n2. Two', 24).map(rowText);
    for (const r of rows) assert.ok(textWidth(r) <= 24, r);
    assert.equal(rows[0], '1. A long sentence that');
    assert.ok(rows[1]!.startsWith('   '), rows[1]);
    assert.equal(rows[rows.length - 1], '2. Two');
  });
  it('renders pipe tables as columns, or as key: value rows when too wide', () => {
    const md = '| user | can |\n|---|---|\n| user1 | yes |\n| User3 | no |';
    assert.deepEqual(renderMarkdown(md, 40).map((r) => rowText(r).trimEnd()), ['user  │ can', 'user1 │ yes', 'User3 │ no']);
    assert.deepEqual(renderMarkdown(md, 8).map((r) => rowText(r).trimEnd()).slice(0, 2), ['user:', 'user1']);
  });
  it('never throws on odd input', () => {
    for (const src of ['', '```', '**', '[x](', '- ', '1.', '|a|', '> ', '#', '\t\t* x']) renderMarkdown(src, 10);
  });
});

describe('word wrapping across styles', () => {
  it('a word made of several runs (bold, then a comma) is never split between them', () => {
    const rows = wrapRuns([{ text: 'service STS, Write → ' }, { text: 'AssumeRole', style: { bold: true } }, { text: ', resources All.' }], 30);
    assert.deepEqual(rows.map(rowText), ['service STS, Write →', 'AssumeRole, resources All.']);
    assert.equal(rows[1]![0]!.style?.bold, true, 'styles are kept');
  });
});

describe('code wrapping', () => {
  it('breaks a long command at spaces, indents the rows after the first, and breaks a too-long word only where it must', () => {
    assert.deepEqual(codeWrap('aws iam create-role --role-name s3-full-access --assume-role-policy-document file://trust.json', 40), [
      'aws iam create-role --role-name',
      '  s3-full-access',
      '  --assume-role-policy-document',
      '  file://trust.json',
    ]);
    assert.deepEqual(codeWrap('short\n  {"a": "bbbbbbbbbb", "c": "dddddddddd"}', 24), ['short', '  {"a": "bbbbbbbbbb",', '    "c": "dddddddddd"}']);
    assert.deepEqual(codeWrap('x'.repeat(25), 10), ['xxxxxxxxxx', '  xxxxxxxx', '  xxxxxxx']);
    for (const r of codeWrap('aws s3api get-object --bucket b --key k out.txt && echo done', 12)) assert.ok(textWidth(r) <= 12, r);
  });
});

describe('text wrapping', () => {
  it('wraps words, breaks over-long ones, keeps continuation indent', () => {
    const rows = wrapRuns([{ text: 'alpha beta arn:aws:iam::123456789012:role/x gamma' }], 16, [{ text: '- ' }], '  ').map(rowText);
    assert.deepEqual(rows, ['- alpha beta', '  arn:aws:iam::1', '  23456789012:ro', '  le/x gamma']);
    for (const r of rows) assert.ok(textWidth(r) <= 16);
  });
  it('measures wide characters', () => {
    assert.equal(textWidth('日本'), 4);
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.deepEqual(hardWrap('abcdef\n\nxy', 4), ['abcd', 'ef', '', 'xy']);
  });
});

describe('~/.aws/config', () => {
  it('reads profiles from config and credentials, never secrets', () => {
    const config = [
      '# comment',
      '[default]',
      'region = eu-west-1',
      '[profile dev]',
      'role_arn = arn:aws:iam::123456789012:role/dev ; trailing comment',
      'source_profile = default',
      's3 =',
      '  max_concurrent_requests = 20',
      '[sso-session corp]',
      'sso_start_url = https://x',
      '[profile sso]',
      'sso_session = corp',
    ].join('\n');
    const creds = '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n[ci]\naws_access_key_id = AKIA2\n';
    const ps = profilesFrom(config, creds);
    assert.deepEqual(ps.map((p) => p.name), ['default', 'dev', 'sso', 'ci']);
    assert.equal(ps[0]!.region, 'eu-west-1');
    assert.deepEqual(ps[0]!.from, ['config', 'credentials']);
    assert.equal(ps[1]!.roleArn, 'arn:aws:iam::123456789012:role/dev');
    assert.equal(ps[2]!.sso, true);
    assert.ok(!JSON.stringify(ps).includes('secret'));
    assert.equal(parseIni('[x]\n  indented = 1\nk=v').get('x')!.get('k'), 'v');
  });
  it('missing files mean no profiles', () => {
    assert.deepEqual(profilesFrom(undefined, undefined), []);
  });
});

// ---------------------------------------------------------------------------------------
// reducer

const STEPS: StepView[] = [
  { id: 'create-role', title: 'Create role temp-user', kind: 'task', text: 'Create **temp-user**.', hints: [{ id: 'h1', text: 'Use `aws iam create-role`.' }, { id: 'h2', text: 'Trust the account root.' }], solution: { commands: ['aws iam create-role --role-name temp-user --assume-role-policy-document file://trust.json'], show: 'on_request' }, skip: 'allowed' },
  { id: 'create-user', title: 'Create user balu', kind: 'task', text: 'Create balu.', hints: [], skip: 'forbidden' },
  { id: 'quiz', title: 'A quiz', kind: 'quiz', text: 'Which API?', hints: [], skip: 'allowed' },
];

function snap(passed: string[] = [], skipped: string[] = [], extra: Partial<LabSnapshot> = {}): LabSnapshot {
  const progress: LabSnapshot['progress'] = {};
  for (const s of STEPS) progress[s.id] = { status: passed.includes(s.id) ? 'passed' : skipped.includes(s.id) ? 'skipped' : 'open', hintsShown: [], solutionViewed: false, attempts: 0 };
  const current = STEPS.findIndex((s) => progress[s.id]!.status === 'open');
  return { progress, current: current === -1 ? STEPS.length : current, identity: { console: {} }, ...extra };
}

const OPENED: LabOpened = { id: 'switch-role-admin', title: 'Switch to an admin role', account: { kind: 'sim', label: 'simulated · 089665204192' }, steps: STEPS, snapshot: snap(), history: ['aws sts get-caller-identity'], prompt: 'admin@089665204192 $ ' };

function feed(s: AppState, ...actions: Action[]): AppState {
  return actions.reduce(reducer, s);
}
const typed = (t: string): Action[] => splitText(t).map((ev) => ({ type: 'key', ev }));
const key = (name: 'enter' | 'escape' | 'up' | 'down' | 'tab' | 'pageup'): Action => ({ type: 'key', ev: { kind: 'key', name } });
const ctrl = (letter: string): Action => ({ type: 'key', ev: { kind: 'ctrl', letter } });

function inLab(): AppState {
  let s = initialState({ columns: 80, rows: 24 });
  s = feed(s, { type: 'intents-taken', ids: s.intents.map((i) => i.id) }, { type: 'lab-opened', lab: OPENED });
  return s;
}

describe('reducer: catalog', () => {
  it('asks for the catalog at start, then opens the chosen lab on the chosen account', () => {
    let s = initialState({ columns: 80, rows: 24 });
    assert.deepEqual(s.intents.map((i) => i.kind), ['load-catalog']);
    s = feed(s, { type: 'intents-taken', ids: [1] }, {
      type: 'catalog-loaded',
      entries: [
        { id: 'a', title: 'A', steps: 3, passed: 0, skipped: 0, started: false, completed: false, backends: ['sim'] },
        { id: 'b', title: 'B', steps: 3, passed: 1, skipped: 0, started: true, completed: false, backends: ['sim', 'real'] },
      ],
    });
    assert.equal(s.catalog.cursor, 1, 'starts on the lab in progress');
    s = feed(s, key('down'));
    assert.equal(s.catalog.cursor, 0, 'wraps around');
    s = feed(s, ...typed('a'));
    assert.equal(s.catalog.account, 'real');
    assert.deepEqual(s.intents.map((i) => i.kind), ['load-profiles']);
    s = feed(s, { type: 'intents-taken', ids: s.intents.map((i) => i.id) }, { type: 'profiles-loaded', profiles: [{ name: 'default', from: ['config'] }, { name: 'dev', from: ['config'] }] }, key('enter'));
    assert.equal(s.toast?.tone, 'warn', 'lab a is sim-only');
    s = feed(s, key('up'), { type: 'key', ev: { kind: 'key', name: 'right' } }, key('enter'));
    assert.deepEqual(s.intents.at(-1), { id: s.intents.at(-1)!.id, kind: 'open-lab', labId: 'b', backend: 'real', profile: 'dev' });
    assert.equal(inputContext(s), 'busy');
  });
  it('reset asks first', () => {
    let s = feed(initialState(), { type: 'catalog-loaded', entries: [{ id: 'a', title: 'A', steps: 3, passed: 1, skipped: 0, started: true, completed: false, backends: ['sim'] }] });
    s = feed(s, ...typed('r'));
    assert.equal(s.overlay?.kind, 'confirm');
    const before = s.intents.length;
    s = feed(s, key('enter'));
    assert.equal(s.overlay, null);
    assert.equal(s.intents.length, before, 'Enter alone does not reset');
    s = feed(s, ...typed('r'), ...typed('y'));
    assert.deepEqual(s.intents.at(-1)!.kind, 'reset');
  });
});

describe('reducer: the shell pane', () => {
  it('a paste of three lines queues them and runs one at a time, echoing each as it starts', () => {
    let s = inLab();
    s = feed(s, ...typed('aws iam list-users\raws s3 ls\rwhoami\r'));
    assert.deepEqual(s.intents.map((i) => (i.kind === 'run' ? i.line : i.kind)), ['aws iam list-users']);
    assert.deepEqual(s.shell.queue, ['aws s3 ls', 'whoami']);
    assert.equal(s.shell.lines.at(-1)!.text, 'admin@089665204192 $ aws iam list-users');
    s = feed(s, { type: 'intents-taken', ids: s.intents.map((i) => i.id) }, { type: 'run-done', line: 'aws iam list-users', output: { stdout: '{\n  "Users": []\n}\n', stderr: '', exitCode: 0 }, snap: snap() });
    assert.deepEqual(s.shell.lines.slice(-4).map((l) => l.text), ['{', '  "Users": []', '}', 'admin@089665204192 $ aws s3 ls']);
    assert.deepEqual(s.intents.map((i) => (i.kind === 'run' ? i.line : i.kind)), ['aws s3 ls']);
    assert.deepEqual(s.shell.editor.history.slice(-3), ['aws iam list-users', 'aws s3 ls', 'whoami']);
  });
  it('a heredoc continues over the following lines', () => {
    let s = inLab();
    s = feed(s, ...typed('cat > t.json <<EOF\r'));
    const first = s.intents.at(-1)!;
    assert.ok(first.kind === 'run' && first.line === 'cat > t.json <<EOF');
    s = feed(s, { type: 'intents-taken', ids: [first.id] }, { type: 'run-done', line: 'cat > t.json <<EOF', output: { stdout: '', stderr: '', exitCode: 0 }, snap: snap(), needsMore: true });
    assert.equal(s.shell.continuation, 'cat > t.json <<EOF');
    s = feed(s, ...typed('{}\r'));
    const second = s.intents.at(-1)!;
    assert.ok(second.kind === 'run' && second.line === 'cat > t.json <<EOF\n{}', JSON.stringify(second));
    assert.equal(s.shell.lines.at(-1)!.text, '> {}');
  });
  it('Ctrl-C clears a typed line, and quits on an empty one (saving first)', () => {
    let s = inLab();
    s = feed(s, ...typed('aws s3'), ctrl('c'));
    assert.equal(lineText(s.shell.editor), '');
    assert.equal(s.quitting, false);
    assert.match(s.shell.lines.at(-1)!.text, /aws s3\^C$/);
    s = feed(s, ctrl('c'));
    assert.equal(s.quitting, true);
    assert.equal(s.intents.at(-1)!.kind, 'quit');
  });
  it('Esc and a key read together (typed fast) act as that lab key', () => {
    const s = feed(inLab(), { type: 'key', ev: { kind: 'meta', char: 'k' } });
    assert.equal(s.focus, 'nav');
    assert.equal(s.overlay?.kind, 'confirm');
  });
  it('Tab asks for completions and applies them only if the line did not change', () => {
    let s = inLab();
    s = feed(s, ...typed('aws ia'), key('tab'));
    const it = s.intents.at(-1)!;
    assert.deepEqual({ ...it, id: 0 }, { id: 0, kind: 'complete', line: 'aws ia', cursor: 6 });
    s = feed(s, { type: 'completions', line: 'aws ia', cursor: 6, replaceFrom: 4, candidates: ['iam'] });
    assert.equal(lineText(s.shell.editor), 'aws iam ');
    s = feed(s, { type: 'completions', line: 'aws ia', cursor: 6, replaceFrom: 4, candidates: ['iam'] });
    assert.equal(lineText(s.shell.editor), 'aws iam ', 'a late answer for an older line is ignored');
  });
  it('keeps at most 5,000 lines and holds the reader\'s place when scrolled up', () => {
    let s = inLab();
    const big = Array.from({ length: 6000 }, (_, i) => `line ${i}`).join('\n');
    s = feed(s, ...typed('x\r'), { type: 'run-done', line: 'x', output: { stdout: big, stderr: '', exitCode: 0 }, snap: snap() });
    assert.equal(s.shell.lines.length, 5000);
    assert.equal(s.shell.lines.at(-1)!.text, 'line 5999');
    s = feed(s, key('pageup'));
    const sc = s.shell.scroll;
    assert.ok(sc > 0);
    s = feed(s, ...typed('y\r'), { type: 'run-done', line: 'y', output: { stdout: 'a\nb', stderr: '', exitCode: 0 }, snap: snap() });
    assert.ok(s.shell.scroll === 0, 'typing a command follows the output again');
  });
});

describe('reducer: going back to a step', () => {
  it('g asks first (a step not reached yet is refused), yes asks the port, and the answer shows the step again', () => {
    let s = feed(inLab(), { type: 'snapshot', snap: snap(['create-role']) }, key('escape'));
    assert.equal(s.lab!.viewing, 1);
    s = feed(s, key('down'), ...typed('g'));
    assert.equal(s.toast?.text, 'That step has not been reached yet.');
    s = feed(s, key('up'), key('up'), ...typed('g'));
    assert.equal(s.overlay?.kind, 'confirm');
    assert.match((s.overlay as { title: string }).title, /^Go back to step 1: Create role temp-user\?$/);
    assert.match((s.overlay as { text: string }).text, /and the 2 later steps' is cleared .* The simulated account and the shell go back/);
    s = feed(s, ...typed('y'));
    assert.deepEqual(s.intents.at(-1), { id: s.intents.at(-1)!.id, kind: 'redo', stepId: 'create-role' });
    s = feed(s, { type: 'redone', stepId: 'create-role', snap: snap(), prompt: 'admin@089665204192 $ ', note: 'Back at step 1.' });
    assert.equal(s.lab!.viewing, 0);
    assert.equal(s.lab!.snap.current, 0);
    assert.equal(s.shell.lines.at(-1)!.text, 'Back at step 1.');
    assert.equal(s.toast?.text, 'Step 1 again: Create role temp-user');
  });
});

describe('reducer: what was checked', () => {
  it('v toggles the panel; it lists each part with its verdict, message and evidence, and says when nothing was checked', () => {
    let s = feed(inLab(), key('escape'), ...typed('v'));
    assert.equal(s.lab!.panel, 'checked');
    assert.match(panelRows(s, 60).body.map(rowText).join('\n'), /Nothing has been checked yet/);
    s = feed(s, {
      type: 'snapshot',
      snap: snap([], [], {
        lastCheck: {
          stepId: 'create-role',
          status: 'fail',
          message: 'The trust policy names user/admin only.',
          leaves: [
            { id: 'exists', label: 'the role exists', status: 'pass', message: 'Role temp-user exists.', evidence: ['role temp-user: attached none'] },
            { id: 'trust', label: 'it trusts the account', status: 'fail', message: 'The trust policy names user/admin only.', evidence: ['trust policy of temp-user: Allow sts:AssumeRole for user/admin'] },
          ],
        },
      }),
    });
    const text = panelRows(s, 70).body.map(rowText);
    assert.deepEqual(text.slice(0, 9), [
      'What was checked · step 1: Create role temp-user',
      '✗ 1 of 2 parts hold.',
      '',
      '✓ the role exists',
      '  Role temp-user exists.',
      '  · role temp-user: attached none',
      '',
      '✗ it trusts the account',
      '  The trust policy names user/admin only.',
    ]);
    assert.equal(text[9], '  · trust policy of temp-user: Allow sts:AssumeRole for user/admin');
    // the step panel's footer points here
    const { footer } = stepPanelRows({ ...s.lab!, panel: 'step' }, 80);
    assert.match(footer.map(rowText).join(' '), /✗ Not yet: The trust policy names user\/admin only\. {2}\(Esc v: what was checked\)/);
    s = feed(s, ...typed('v'));
    assert.equal(s.lab!.panel, 'step');
  });
});

describe('reducer: the endpoint', () => {
  const VIEW = { url: 'http://127.0.0.1:45123', region: 'us-east-1', paste: '# in another terminal (bash/zsh):\nexport AWS_ENDPOINT_URL=http://127.0.0.1:45123', file: '/home/x/endpoint.sh', who: 'admin @ 089665204192' };
  it('^X in the shell and e in lab keys ask for it; the panel shows what to paste and the shell title says it is on', () => {
    let s = feed(inLab(), ctrl('x'));
    assert.deepEqual(s.intents.at(-1), { id: s.intents.at(-1)!.id, kind: 'endpoint', action: 'show' });
    assert.equal(s.toast?.text, 'Starting the endpoint…');
    s = feed(s, { type: 'endpoint', view: VIEW });
    assert.equal(s.lab!.panel, 'endpoint');
    assert.equal(s.toast, null);
    assert.match(s.shell.lines.at(-1)!.text, /^Endpoint on: http:\/\/127\.0\.0\.1:45123 .* source \/home\/x\/endpoint\.sh\. Esc E stops it\.$/);
    const { body, footer } = panelRows(s, 70);
    const text = body.map(rowText).join('\n');
    assert.match(text, /Listening on http:\/\/127\.0\.0\.1:45123/);
    assert.match(text, /\$ source \/home\/x\/endpoint\.sh/);
    assert.match(text, /^ {2}export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:45123$/m);
    assert.match(text, /admin @ 089665204192's/);
    assert.deepEqual(footer.map(rowText), ['e hides this panel (the endpoint keeps running) · E stops it']);
    assert.match(rowText(shellTitle(s.shell, s.lab, 80, false)), /^─ shell · endpoint 127\.0\.0\.1:45123 ─+$/);
    // e with the panel showing hides it (the endpoint keeps running); e again asks for a fresh paste block
    s = feed(s, key('escape'), ...typed('e'));
    assert.equal(s.lab!.panel, 'step');
    assert.ok(s.lab!.endpoint);
    const n = s.intents.length;
    s = feed(s, ...typed('e'));
    assert.equal(s.intents.length, n + 1);
    assert.equal(s.intents.at(-1)!.kind, 'endpoint');
    s = feed(s, { type: 'endpoint', view: VIEW });
    assert.equal(s.shell.lines.filter((l) => l.text.startsWith('Endpoint on:')).length, 1, 'the same endpoint is announced once');
    // E stops it
    s = feed(s, ...typed('E'));
    assert.deepEqual(s.intents.at(-1), { id: s.intents.at(-1)!.id, kind: 'endpoint', action: 'stop' });
    s = feed(s, { type: 'endpoint', view: null });
    assert.equal(s.lab!.endpoint, undefined);
    assert.equal(s.lab!.panel, 'step');
    assert.equal(s.shell.lines.at(-1)!.text, 'Endpoint stopped: http://127.0.0.1:45123 refuses connections now.');
    s = feed(s, ...typed('E'));
    assert.equal(s.toast?.text, 'The endpoint is not running (e starts it).');
  });
  it('on a real account it is refused without asking the port: there is no simulated world to serve', () => {
    let s = initialState({ columns: 80, rows: 24 });
    s = feed(s, { type: 'intents-taken', ids: s.intents.map((i) => i.id) }, { type: 'lab-opened', lab: { ...OPENED, account: { kind: 'real', label: 'AWS account 111122223333' } } });
    s = feed(s, ctrl('x'));
    assert.equal(s.intents.length, 0);
    assert.match(s.toast!.text, /serves the simulated account only/);
  });
  it('calls through it ask for one look at a time; the look prints what they did and applies the snapshot', () => {
    let s = feed(inLab(), { type: 'endpoint', view: VIEW }, { type: 'endpoint-activity' }, { type: 'endpoint-activity' });
    assert.equal(s.intents.filter((i) => i.kind === 'endpoint-sync').length, 1);
    s = feed(s, { type: 'endpoint-synced', activity: { lines: ['⇄ endpoint: iam CreateRole → OK'], snap: snap(['create-role']) } });
    assert.deepEqual(s.shell.lines.slice(-2).map((l) => l.text), ['⇄ endpoint: iam CreateRole → OK', '✓ Step 1 passed: Create role temp-user']);
    assert.equal(s.lab!.viewing, 1);
  });
});

describe('reducer: steps, hints, solution, skip', () => {
  it('a passed step is marked, announced, and the next one opens', () => {
    let s = inLab();
    s = feed(s, ...typed('x\r'), { type: 'run-done', line: 'x', output: { stdout: '', stderr: '', exitCode: 0 }, snap: snap(['create-role']) });
    assert.equal(s.lab!.viewing, 1);
    assert.equal(s.shell.lines.at(-1)!.text, '✓ Step 1 passed: Create role temp-user');
    assert.equal(s.toast?.text, 'Step 2: Create user balu');
  });
  it('a failing check shows its message under the current step', () => {
    let s = inLab();
    s = feed(s, { type: 'snapshot', snap: snap([], [], { lastCheck: { stepId: 'create-role', status: 'fail', message: 'There is no role named temp-user yet.' } }) });
    const { footer } = stepPanelRows(s.lab!, 50);
    assert.deepEqual(footer.map(rowText), ['✗ Not yet: There is no role named temp-user yet.']);
  });
  it('hints come one at a time and stop at the last', () => {
    let s = inLab();
    s = feed(s, key('escape'), ...typed('h'));
    assert.equal(s.intents.at(-1)!.kind, 'hint');
    const withTwo = snap();
    withTwo.progress['create-role']!.hintsShown = ['h1', 'h2'];
    s = feed(s, { type: 'snapshot', snap: withTwo });
    const before = s.intents.length;
    s = feed(s, ...typed('h'));
    assert.equal(s.intents.length, before);
    assert.equal(s.toast?.text, 'All 2 hints are shown.');
    assert.deepEqual(stepPanelRows(s.lab!, 60).footer.map(rowText), ['Hint 1/2: Use aws iam create-role.', 'Hint 2/2: Trust the account root.']);
  });
  it('the solution sits behind a confirmation, and is recorded once shown', () => {
    let s = feed(inLab(), key('escape'), ...typed('s'));
    assert.equal(s.overlay?.kind, 'confirm');
    s = feed(s, ...typed('n'));
    assert.equal(s.lab!.panel, 'step');
    s = feed(s, ...typed('s'), ...typed('y'));
    assert.equal(s.lab!.panel, 'solution');
    assert.deepEqual({ ...s.intents.at(-1)!, id: 0 }, { id: 0, kind: 'solution', stepId: 'create-role' });
  });
  it('skip asks, is refused where the lab forbids it, and the step is recorded as skipped', () => {
    let s = feed(inLab(), key('escape'), ...typed('k'));
    assert.equal(s.overlay?.kind, 'confirm');
    s = feed(s, ...typed('y'));
    assert.deepEqual({ ...s.intents.at(-1)!, id: 0 }, { id: 0, kind: 'skip', stepId: 'create-role' });
    s = feed(s, { type: 'snapshot', snap: snap([], ['create-role']) });
    assert.equal(s.shell.lines.at(-1)!.text, '↷ Step 1 skipped: Create role temp-user');
    assert.equal(s.focus, 'shell', 'after a skip the shell has the keys again');
    s = feed(s, key('escape'), ...typed('k'));
    assert.equal(s.overlay, null);
    assert.equal(s.toast?.text, 'This step cannot be skipped.');
  });
  it('browsing ahead shows a locked step without its instructions', () => {
    const s = feed(inLab(), key('escape'), key('down'), key('down'));
    assert.equal(s.lab!.viewing, 2);
    assert.deepEqual(stepPanelRows(s.lab!, 70).body.map(rowText), ['Step 3 of 3 · A quiz  · locked', '', 'Pass or skip step 1 first; its instructions open then.']);
  });
  it('the last step completes the lab and shows the summary screen', () => {
    let s = inLab();
    s = feed(s, { type: 'snapshot', snap: snap(['create-role', 'create-user'], ['quiz'], { summary: { labId: 'switch-role-admin', title: 'Switch to an admin role', hintsUsed: 2, solutionsViewed: 1, skipped: ['quiz'], steps: 3, durationMs: 754000, verify: ['iamlab check switch-role-admin'] } }) });
    assert.equal(s.screen, 'complete');
    const rows = summaryRows(s.lab!.snap.summary!, STEPS, 70).map((r) => rowText(r).trimEnd());
    assert.ok(rows.includes('  Time taken      13 min'), rows.join('\n'));
    assert.ok(rows.includes('  Hints used      2'));
    assert.ok(rows.includes('  Skipped         A quiz'));
    assert.ok(rows.includes('  $ iamlab check switch-role-admin'));
    const back = feed(s, key('escape'));
    assert.equal(back.screen, 'lab', 'Esc goes on to the lab and its shell');
    s = feed(s, key('enter'));
    assert.equal(s.intents.at(-1)!.kind, 'close-lab');
  });
  it('a finished lab opens on its summary', () => {
    let s = initialState({ columns: 80, rows: 24 });
    const done = snap(['create-role', 'create-user', 'quiz'], [], { summary: { labId: 'x', title: 'x', hintsUsed: 0, solutionsViewed: 0, skipped: [], steps: 3, verify: [] } });
    s = feed(s, { type: 'lab-opened', lab: { ...OPENED, snapshot: done } });
    assert.equal(s.screen, 'complete');
  });
});

describe('reducer: console dialogs type the console commands', () => {
  it('switch role: account, role, display name, colour → console switch-role …', () => {
    let s = inLab();
    s.lab!.snap.identity = { console: { signedIn: { accountId: '089665204192', userName: 'balu' } } };
    s = feed(s, key('escape'), ...typed('r'));
    assert.equal(inputContext(s), 'dialog-text');
    s = feed(s, key('enter'), ...typed('temp-user'), key('tab'), ...typed('Admin @ lab'), key('tab'));
    assert.equal(inputContext(s), 'dialog-choice');
    s = feed(s, { type: 'key', ev: { kind: 'key', name: 'right' } }, { type: 'key', ev: { kind: 'key', name: 'right' } }, key('enter'));
    assert.equal(s.overlay, null);
    const run = s.intents.at(-1)!;
    assert.ok(run.kind === 'run');
    assert.equal(run.kind === 'run' && run.line, "console switch-role --account 089665204192 --role-name temp-user --display-name 'Admin @ lab' --color orange");
  });
  it('a Tab typed fast between field values moves to the next field; in the shell it is spaces', () => {
    let s = feed(inLab(), key('escape'), ...typed('r'), key('enter'), { type: 'key', ev: { kind: 'text', text: 'temp-user\tAdmin' } });
    assert.ok(s.overlay?.kind === 'dialog');
    if (s.overlay?.kind !== 'dialog') return;
    assert.equal(lineText(s.overlay.dialog.fields[1]!.editor), 'temp-user');
    assert.equal(lineText(s.overlay.dialog.fields[2]!.editor), 'Admin');
    s = feed(inLab(), { type: 'key', ev: { kind: 'text', text: '{\t"a": 1' } });
    assert.equal(lineText(s.shell.editor), '{  "a": 1');
  });
  it('refuses to submit without the required fields', () => {
    let s = feed(inLab(), key('escape'), ...typed('u'));
    s = feed(s, key('down'), key('enter'));
    assert.equal(s.overlay?.kind === 'dialog' && s.overlay.dialog.error, 'Enter the IAM user name.');
  });
  it('switch back runs console switch-back', () => {
    const s = feed(inLab(), key('escape'), ...typed('b'));
    const run = s.intents.at(-1)!;
    assert.ok(run.kind === 'run' && run.line === 'console switch-back');
  });
  it('quotes like a POSIX shell', () => {
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote('plain-name@1'), 'plain-name@1');
    assert.deepEqual(dialogCommandLine({ which: 'answer', title: '', focus: 0, fields: [{ key: 'answer', label: '', kind: 'text', editor: lineState('AssumeRole') }] }), { line: 'answer AssumeRole' });
  });
});

describe('layout', () => {
  it('the frame is one row shorter than the terminal and the parts add up', () => {
    for (const [columns, rows] of [[80, 24], [120, 40], [40, 10], [200, 60]] as const) {
      const L = layoutOf({ size: { columns, rows } });
      assert.equal(L.frame, rows - 1);
      assert.equal(L.header + L.upper + 1 + L.shell + 1 + L.keybar, L.frame, `${columns}x${rows}`);
    }
    assert.equal(layoutOf({ size: { columns: 50, rows: 24 } }).stepsWidth, 0, 'narrow: no step column');
  });
  it('resize updates the size', () => {
    const s = feed(inLab(), { type: 'resize', columns: 100, rows: 30 });
    assert.deepEqual(s.size, { columns: 100, rows: 30 });
  });
  it('the shell viewport shows the tail, wrapped, and scrolls up to the top only', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => ({ id: i, text: `row ${i} ${'x'.repeat(i % 3 === 0 ? 30 : 0)}`, tone: 'out' as const }));
    const v = shellViewport(lines, 20, 5, 0);
    assert.equal(v.rows.length, 5);
    assert.deepEqual(v.rows.slice(3).map(rowText), ['row 999 xxxxxxxxxxxx', 'xxxxxxxxxxxxxxxxxx']);
    assert.equal(rowText(v.rows[2]!), 'row 998 ');
    const top = shellViewport(lines.slice(0, 2), 20, 5, 100);
    assert.equal(top.scroll, 0);
    assert.equal(top.rows.length, 3);
  });
  it('the input line scrolls to keep the cursor visible', () => {
    const chars = Array.from('aws iam create-role --role-name temp-user --assume-role-policy-document file://trust.json');
    const l = inputLine('$ ', chars, chars.length, 40);
    assert.ok(textWidth(l.text) <= 40);
    assert.ok(l.text.endsWith('trust.json'));
    assert.equal(l.cursorX, textWidth(l.text));
    assert.deepEqual(inputLine('$ ', ['a', 'b'], 1, 40), { text: '$ ab', cursorX: 3 });
  });
  it('key bar fits the width and names the mode', () => {
    let s = inLab();
    assert.ok(textWidth(rowText(keyBar(s, 79))) <= 79);
    s = feed(s, key('escape'));
    assert.match(rowText(keyBar(s, 79)), /^ LAB KEYS  h hint/);
  });
  it('catalog rows show progress, level, minutes and continue', () => {
    const rows = catalogEntryRows({ id: 'a', title: 'Switch to an admin role', level: 'beginner', minutes: 20, steps: 6, passed: 3, skipped: 0, started: true, completed: false, backends: ['sim'], resumeStep: 'Sign in as balu' }, true, 70).map(rowText);
    assert.match(rows[0]!, /^▸ Switch to an admin role +beginner · 20 min$/);
    assert.equal(rows[1], '  ██████░░░░░ 3/6 · continue: Sign in as balu');
  });
  it('columns() lays completion candidates out', () => {
    assert.equal(columns(['a', 'bb', 'ccc'], 20), 'a    bb   ccc');
  });
});

// ---------------------------------------------------------------------------------------
// why and map, with explanations from the real engine

function doc(json: object, kind: 'identity' | 'trust'): PolicyDocument {
  const r = validatePolicy(JSON.stringify(json), kind);
  if (!r.ok) throw new Error(JSON.stringify(r.problem));
  return r.document;
}
const BALU: PrincipalInfo = { type: 'User', accountId: '089665204192', arn: 'arn:aws:iam::089665204192:user/balu', principalArn: 'arn:aws:iam::089665204192:user/balu', userId: 'AIDAEXAMPLE', username: 'balu' };

describe('why tree', () => {
  it('implicit deny: names the policies considered and the absence of an allow', () => {
    const e = authorize({
      request: { principal: BALU, action: 'account:GetAccountInformation', resource: '*', context: {} },
      identity: [{ kind: 'identity', name: 'sts-all', source: 'inline', attachedTo: 'user balu', document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] }, 'identity') }],
    });
    assert.equal(e.reason, 'implicit-deny');
    const rows = whyRows(e, 70, { command: 'console open account' }).map((r) => rowText(r).trimEnd());
    assert.equal(rows[0], '✗ Denied — implicit deny');
    assert.ok(rows.some((r) => /^└─ Identity-based policies  ← no Allow here$/.test(r)), rows.join('\n'));
    assert.ok(rows.some((r) => r.startsWith('   └─ sts-all (inline, user balu) — no statement applies')), rows.join('\n'));
    assert.ok(rows.some((r) => r.startsWith('      └─ · #1 ')), rows.join('\n'));
    assert.match(rows.join(' '), /implicit deny — no statement denies it/);
    for (const r of rows) assert.ok(textWidth(r) <= 70, r);
  });
  it('explicit deny in a trust policy: the deciding statement is marked', () => {
    const u3: PrincipalInfo = { ...BALU, accountId: '975050059573', arn: 'arn:aws:iam::975050059573:user/User3', principalArn: 'arn:aws:iam::975050059573:user/User3', username: 'User3' };
    const e = authorize({
      request: { principal: u3, action: 'sts:AssumeRole', resource: 'arn:aws:iam::975050059573:role/MyRole', resourceAccount: '975050059573', context: {} },
      identity: [{ kind: 'identity', name: 'assume', source: 'inline', attachedTo: 'user User3', document: doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }, 'identity') }],
      resource: {
        kind: 'trust', name: 'trust policy of MyRole', document: doc({ Version: '2012-10-17', Statement: [
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::975050059573:root' }, Action: 'sts:AssumeRole' },
          { Sid: 'NoUser3', Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::975050059573:user/User3' }, Action: 'sts:AssumeRole' },
        ] }, 'trust'),
      },
    });
    assert.equal(e.reason, 'explicit-deny');
    const rows = whyRows(e, 90).map((r) => rowText(r).trimEnd());
    assert.ok(rows.some((r) => /✗ #2 NoUser3 .*◀ decides$/.test(r)), rows.join('\n'));
    assert.ok(rows.some((r) => /Role trust policy {2}← the Deny is here/.test(r)), rows.join('\n'));
    assert.match(verdict(e), /^statement 2 \(NoUser3\) of trust policy of MyRole denies it\. An explicit Deny always wins/);
    assert.equal(ruleOf(e), 'explicit Deny: trust policy #2 NoUser3');
  });
  it('map: roles with who may assume them and by which rule', () => {
    const rows = mapRows({
      accounts: [{ id: '975050059573' }],
      nodes: [
        { arn: 'arn:aws:iam::975050059573:user/user1', kind: 'user', name: 'user1', accountId: '975050059573' },
        { arn: 'arn:aws:iam::975050059573:user/User3', kind: 'user', name: 'User3', accountId: '975050059573' },
        { arn: 'arn:aws:iam::975050059573:role/MyRole', kind: 'role', name: 'MyRole', accountId: '975050059573' },
      ],
      edges: [
        { from: 'arn:aws:iam::975050059573:user/User3', to: 'arn:aws:iam::975050059573:role/MyRole', decision: 'Deny', reason: 'explicit-deny', rule: 'explicit Deny: trust MyRole #2', summary: '' },
        { from: 'arn:aws:iam::975050059573:user/user1', to: 'arn:aws:iam::975050059573:role/MyRole', decision: 'Allow', reason: 'allowed', rule: 'trust MyRole #1 + identity assume #1', summary: '' },
      ],
    }, 80).map((r) => rowText(r).trimEnd());
    assert.deepEqual(rows, [
      'Account 975050059573',
      '  users  user1, User3',
      '  roles  MyRole',
      '',
      'Who may assume which role',
      '▣ MyRole',
      '  user1  ──✓──▶ may assume — trust MyRole #1 + identity assume #1',
      '  User3  ──✗──  denied (explicit) — explicit Deny: trust MyRole #2',
    ]);
  });
});

describe('identity labels and the prompt', () => {
  it('reads user, role session and root ARNs', () => {
    assert.equal(arnLabel('arn:aws:iam::089665204192:user/balu'), 'balu @ 089665204192');
    assert.equal(arnLabel('arn:aws:sts::089665204192:assumed-role/temp-user/balu'), 'assumed-role/temp-user/balu @ 089665204192');
    assert.equal(promptFor({ shell: { arn: 'arn:aws:sts::089665204192:assumed-role/temp-user/balu', accountId: '089665204192', label: '' }, console: {} }), 'temp-user/balu@089665204192 $ ');
    assert.equal(promptFor({ console: {} }), '(no credentials) $ ');
    assert.equal(formatDuration(3_900_000), '1 h 5 min');
  });
});

describe('no terminal', () => {
  it('says what to use instead', () => {
    const fake = (tty: boolean) => ({ isTTY: tty, setRawMode: () => {} }) as unknown as NodeJS.ReadStream;
    assert.equal(terminalProblem({ stdin: fake(false), stdout: { isTTY: true } as NodeJS.WriteStream, env: {} }), 'stdin is not a terminal');
    assert.equal(terminalProblem({ stdin: fake(true), stdout: { isTTY: true } as NodeJS.WriteStream, env: { TERM: 'dumb' } }), 'TERM=dumb');
    assert.equal(terminalProblem({ stdin: fake(true), stdout: { isTTY: true } as NodeJS.WriteStream, env: {} }), undefined);
    const m = noTerminalMessage('switch-role-admin', 'stdout is not a terminal');
    assert.match(m, /iamlab shell --lab switch-role-admin/);
    assert.match(m, /iamlab check switch-role-admin/);
    assert.equal(colorEnabled({ FORCE_COLOR: '0' }), false);
    assert.equal(colorEnabled({ NO_COLOR: '1' }), false);
    assert.equal(colorEnabled({}), true);
  });
});

describe('real account: questions while opening, the spinner, console steps, real progress', () => {
  it('a question asked while the lab opens gets a box; Enter answers it, Esc or Ctrl-C answers "cancelled"', () => {
    let s = initialState({ columns: 80, rows: 24, lab: 'trust-policy-control', real: true });
    assert.equal(inputContext(s), 'busy');
    const q = 'Lab trust-policy-control creates and changes IAM resources in AWS account 210987654321 as arn:aws:iam::210987654321:user/me (first CreateUser in us-east-1); everything it creates is tagged iamlab:lab=trust-policy-control. Go ahead? [y/N] ';
    s = feed(s, { type: 'intents-taken', ids: s.intents.map((i) => i.id) }, { type: 'ask', question: q, secret: false });
    assert.equal(s.overlay?.kind, 'dialog');
    assert.equal(inputContext(s), 'dialog-text', 'the box has the keys even while the lab opens');
    const d = (s.overlay as { dialog: { which: string; title: string; text?: string } }).dialog;
    assert.equal(d.which, 'ask');
    assert.equal(d.title, 'iamlab asks before changing your AWS account');
    assert.equal(d.text, q.trim());
    s = feed(s, ...typed('y'), key('enter'));
    assert.equal(s.overlay, null);
    assert.deepEqual({ ...s.intents.at(-1)!, id: 0 }, { id: 0, kind: 'reply', text: 'y' });
    assert.equal(s.busy, 'Opening trust-policy-control…', 'still opening');
    // an MFA code is typed hidden; Esc cancels (the command hears undefined)
    s = feed(s, { type: 'ask', question: 'Enter MFA code for arn:aws:iam::210987654321:mfa/me: ', secret: true });
    const field = (s.overlay as { dialog: { fields: Array<{ secret?: boolean }> } }).dialog.fields[0]!;
    assert.equal(field.secret, true);
    s = feed(s, key('escape'));
    assert.deepEqual({ ...s.intents.at(-1)!, id: 0 }, { id: 0, kind: 'reply', text: undefined });
    s = feed(s, { type: 'ask', question: 'Go ahead? [y/N] ', secret: false }, ctrl('c'));
    assert.deepEqual({ ...s.intents.at(-1)!, id: 0 }, { id: 0, kind: 'reply', text: undefined });
    assert.equal(s.quitting, false, 'Ctrl-C in the box cancels the question, it does not quit');
  });

  it('quitting while a question is open answers it first, so the waiting work ends and the quit runs', () => {
    let s = initialState({ columns: 80, rows: 24, lab: 'x', real: true });
    s = feed(s, { type: 'intents-taken', ids: s.intents.map((i) => i.id) }, { type: 'ask', question: 'Go ahead? [y/N] ', secret: false });
    const quit: Action = { type: 'cmd', cmd: { type: 'quit' } };
    s = feed(s, quit);
    assert.deepEqual(s.intents.map((i) => i.kind), ['reply', 'quit']);
    assert.equal(s.overlay, null);
  });

  it('the key bar turns a spinner while a real call runs, and says what a retry waits for', () => {
    let s = inLab();
    s = { ...s, lab: { ...s.lab!, account: { kind: 'real', label: 'AWS account 210987654321' } } };
    s = feed(s, { type: 'work', on: true });
    const first = rowText(keyBar(s, 79));
    assert.match(first, /^ ⠋ working on your AWS account…$/);
    s = feed(s, { type: 'tick' });
    assert.match(rowText(keyBar(s, 79)), /^ ⠙ working on your AWS account…$/);
    s = feed(s, { type: 'work-notice', text: retryNotice({ attempt: 1, maxAttempts: 5, delayMs: 1234, kind: 'throttling', code: 'Throttling' }) });
    assert.equal(rowText(keyBar(s, 79)), ' ⠙ AWS is throttling (Throttling); retrying in 1.2 s (attempt 2 of 5)');
    s = feed(s, { type: 'work', on: false });
    assert.equal(s.work, null);
    assert.doesNotMatch(rowText(keyBar(s, 79)), /⠙|working/);
    const spin = s.spin;
    assert.equal(feed(s, { type: 'tick' }).spin, spin, 'no work, no ticks');
    // on the simulated account a command is too quick to announce: the keys stay
    const sim = feed(inLab(), { type: 'work', on: true });
    assert.doesNotMatch(rowText(keyBar(sim, 79)), /working/);
    assert.equal(retryNotice({ attempt: 1, maxAttempts: 2, delayMs: 250, kind: 'network', code: 'ECONNREFUSED' }), 'no answer from AWS (ECONNREFUSED); retrying in 250 ms (attempt 2 of 2)');
  });

  it('a console step on a real account: the panel says only skip moves past it, with the check\'s words; skip says so too', () => {
    let s = inLab();
    const message = 'this step happens in the AWS console in your browser, which iamlab cannot see on a real account';
    s = { ...s, lab: { ...s.lab!, account: { kind: 'real', label: 'AWS account 210987654321' } } };
    s = feed(s, { type: 'snapshot', snap: snap([], [], { consoleStep: { stepId: 'create-role', message } }) });
    const { body, footer } = stepPanelRows(s.lab!, 60);
    assert.match(body.map(rowText).join(' '), /On your AWS account: this step happens in the AWS console in your browser, which iamlab cannot see on a real\s+account\./);
    assert.match(footer.map(rowText).join(' ').replace(/\s+/g, ' '), /! Console step: iamlab cannot see the AWS console on a real account, so this check cannot pass here\. Skip it to move on \(Esc, then k\)\./);
    s = feed(s, key('escape'), ...typed('k'));
    assert.equal(s.overlay?.kind, 'confirm');
    assert.match((s.overlay as { text: string }).text, /^This step happens in the AWS console, which iamlab cannot see on a real account: skipping is how to move past it/);
  });

  it('a console step CloudTrail can show: the panel says to do it in the console and check again; a pending check shows as waiting', () => {
    let s = inLab();
    s = { ...s, lab: { ...s.lab!, account: { kind: 'real', label: 'AWS account 210987654321' } } };
    s = feed(s, {
      type: 'snapshot',
      snap: snap([], [], {
        consoleStep: { stepId: 'create-role', checkable: true, message: 'this step happens in the AWS console in your browser; iamlab sees it in CloudTrail' },
        lastCheck: { stepId: 'create-role', status: 'pending', message: 'CloudTrail has not shown a SwitchRole by user1 yet.' },
      }),
    });
    const foot = stepPanelRows(s.lab!, 70).footer.map(rowText).join(' ').replace(/\s+/g, ' ');
    assert.match(foot, /! Console step: do it in the AWS console; iamlab reads it from CloudTrail, which can take a few minutes\. c checks again; Esc, then k skips\./);
    assert.match(foot, /… Waiting: CloudTrail has not shown a SwitchRole by user1 yet\./);
    s = feed(s, key('escape'), ...typed('k'));
    assert.match((s.overlay as { text: string }).text, /^This step happens in the AWS console\. If you did it there, CloudTrail may still be on its way/);
  });

  it('the catalog shows real-account progress when the account choice is real', () => {
    const e = { id: 'a', title: 'Switch to an admin role', steps: 6, passed: 3, skipped: 0, started: true, completed: false, backends: ['sim', 'real'] as Array<'sim' | 'real'>, resumeStep: 'Sign in as balu', real: { passed: 1, skipped: 1, started: true, completed: false, resumeStep: 'Attach the policy', accountId: '210987654321' } };
    assert.match(catalogEntryRows(e, false, 78).map(rowText)[1]!, /3\/6 · continue: Sign in as balu$/);
    assert.match(catalogEntryRows(e, false, 78, 'real').map(rowText)[1]!, /2\/6 · continue: Attach the policy · in 210987654321$/);
    const { real: _r, ...fresh } = e;
    assert.match(catalogEntryRows(fresh, false, 78, 'real').map(rowText)[1]!, /6 steps · not started on an AWS account$/);
    assert.match(catalogEntryRows({ ...fresh, backends: ['sim'] }, false, 78, 'real').map(rowText)[1]!, /simulated account only$/);
    // the progress file: real records apart (and a real record an older build left under labs)
    const dir = mkdtempSync(join(tmpdir(), 'iamlab-core-'));
    try {
      const path = join(dir, 'config.json');
      writeFileSync(path, JSON.stringify({ labs: { a: { current: 's2', steps: {} }, old: { backend: 'real', current: null, steps: {} } }, 'labs-real': { b: { backend: 'real', account_id: '210987654321', current: 's1', steps: {} } } }));
      assert.deepEqual(Object.keys(readProgressRecords(path)), ['a']);
      assert.deepEqual(Object.keys(readProgressRecords(path, 'real')).sort(), ['b', 'old']);
      const entries = catalogEntries([{ id: 'b', title: 'B', backends: ['sim', 'real'], steps: [{ id: 's1', title: 'One' }] }], [], readProgressRecords(path), readProgressRecords(path, 'real'));
      assert.equal(entries[0]!.started, false);
      assert.deepEqual(entries[0]!.real, { passed: 0, skipped: 0, started: false, completed: false, accountId: '210987654321' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the greeting on a real account says where, as whom, and what setup did (reasons grouped)', () => {
    const lines = realBanner('Trust policies', 'trust-policy-control', 6, {
      accounts: { main: '210987654321' },
      callerArn: 'arn:aws:iam::210987654321:user/me',
      created: ['user user1', 'user user2'],
      kept: [],
      skipped: ['user admin: your own identity plays this administrator', 'user user1: no console password (console steps are not checked on a real account)', 'user user2: no console password (console steps are not checked on a real account)'],
    });
    assert.deepEqual(lines.slice(0, 3), [
      'Trust policies — 6 steps, on AWS account 210987654321 as arn:aws:iam::210987654321:user/me. Commands here call AWS for real.',
      'Set up in your account: user user1; user user2.',
      'Not set up: user admin: your own identity plays this administrator; user user1, user user2: no console password (console steps are not checked on a real account).',
    ]);
    assert.match(lines[3]!, /never go to disk\. Everything the lab creates is tagged iamlab:lab=trust-policy-control; `iamlab cleanup trust-policy-control --real` removes it/);
    assert.match(realBanner('T', 'x', 1, { accounts: { main: '1' }, created: [], kept: [], skipped: [] }).join('\n'), /Opening the lab changed nothing in your account\./);
    assert.match(openProblem(new Error('Lab cross-account-cli needs two AWS accounts (dev and prod): add --profile2 <a profile of the second account>, or do it on the simulated account.'), 'cross-account-cli', true), /In the app: iamlab start cross-account-cli --real --profile2 <profile of the second account>\.$/);
  });
});

describe('a long question while a command runs in the lab', () => {
  it('is printed in full above the prompt; its last sentence is the prompt; the answer is echoed after it', () => {
    let s = inLab();
    const q = 'Lab zero-permission-user creates and changes IAM resources in AWS account 210987654321 as arn:aws:iam::210987654321:user/me (first CreateUser in us-east-1); everything it creates is tagged iamlab:lab=zero-permission-user. Go ahead? [y/N] ';
    s = feed(s, { type: 'ask', question: q, secret: false });
    assert.equal(s.shell.ask?.question, 'Go ahead? [y/N] ');
    assert.equal(s.shell.lines.at(-1)!.text, q.trimEnd().replace(/ Go ahead\? \[y\/N\]$/, ''));
    s = feed(s, ...typed('y'), key('enter'));
    assert.equal(s.shell.lines.at(-1)!.text, 'Go ahead? [y/N] y');
    assert.deepEqual({ ...s.intents.at(-1)!, id: 0 }, { id: 0, kind: 'reply', text: 'y' });
    // a short question stays the prompt
    s = feed(s, { type: 'ask', question: 'MFA code: ', secret: true });
    assert.equal(s.shell.ask?.question, 'MFA code: ');
  });
});
