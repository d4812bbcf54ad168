// End to end: the BUILT app in real pseudo-terminals (tmux). An instructor serves a room,
// two learners join it with the tutor, one passes a step and one asks for a hint and then
// quits; the instructor's dashboard shows it all, reveals the key on request, and writes the
// room's summary on quit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Terminals, hasTmux } from '../app/tmux.js';
import { STEP1_LINES } from '../app/step1.js';

const KEY = 'wk-e2e-7 blue';
const term = new Terminals('iamlab-ws-e2e');
const newHome = () => term.newHome();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `node bin/iamlab.js ARGS` at 100×30, wrapped lines read as one. */
const pane = (home: string, args: string[]) => term.pane(home, { args, cols: 100, rows: 30, joined: true });

before(() => term.setUp());
after(() => term.tearDown());

describe('a workshop room in terminals (tmux)', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  it('two learners of the built app reach the instructor’s dashboard: a pass, a hint, a quit; the key shown only on k; the summary written on q', async (t) => {
    const port = await freePort();
    const room = newHome();
    const inst = pane(room, ['workshop', 'serve', '--port', String(port), '--host', '127.0.0.1', '--workshop-key', KEY]);
    t.after(() => inst.kill());
    let s = await inst.waitFor(/No learners yet/);
    assert.match(s, new RegExp(`join: iamlab --workshop http://127\\.0\\.0\\.1:${port} --workshop-key •••••• --name NAME  \\(this machine onl`));
    assert.ok(!s.includes(KEY), s);

    const url = `http://127.0.0.1:${port}`;
    const ada = pane(newHome(), ['--workshop', url, '--workshop-key', KEY, '--name', 'Ada']);
    const bob = pane(newHome(), ['--workshop', url, '--workshop-key', KEY, '--name', 'Bob']);
    t.after(() => ada.kill());
    t.after(() => bob.kill());
    await inst.waitFor(/2 learners:/);
    for (const p of [ada, bob]) {
      await p.waitFor(/Switch from a powerless user to an admin role/);
      p.keys('Enter');
      await p.waitFor(/Step 1 of 6/);
    }
    // Ada passes step 1 (a paste); Bob asks for a hint
    ada.text(
      [
        ...STEP1_LINES,
        '',
      ].join('\n'),
    );
    await ada.waitFor(/Step 2 of 6/);
    bob.keys('Escape');
    await bob.waitFor(/LAB KEYS/);
    bob.keys('h');
    await bob.waitFor(/Hint 1\//);

    // the app announces each step it moves on to: the room names Ada's new step
    s = await inst.waitFor(/^Ada\s+2 create-balu\s+1\/6\s+0\s+0\s+0\s+0\s+working/m);
    assert.match(s, /^Bob\s+1 create-temp-user-role\s+0\/6\s+1\s+0\s+0\s+0\s+working/m);
    assert.match(s, /^iamlab workshop · 2 learners: 0 stuck, 2 working · lab switch-role-admin/m);
    assert.match(s, /Ada PASSED step create-temp-user-role \(1\/6 done\)/);
    assert.match(s, /Bob HINT \S+ on step create-temp-user-role \(0\/6 done\)/);

    // Bob quits the tutor: the room shows it
    bob.keys('C-c');
    await bob.waitFor(/EXIT=0/);
    s = await inst.waitFor(/^Bob\s+1 create-temp-user-role\s+0\/6\s+1\s+0\s+0\s+0\s+left \d+s ago/m);
    assert.match(s, /2 learners: 0 stuck, 1 working, 1 left/);

    // the key only on request, quoted for a shell
    inst.keys('k');
    await inst.waitFor(/--workshop-key 'wk-e2e-7 blue' --name NAME/);
    inst.keys('k');
    await inst.waitFor(/--workshop-key •••••• --name NAME/);

    inst.keys('q');
    s = await inst.waitFor(/EXIT=0/);
    const m = /the room's summary: (\S+\.md) and (\S+\.csv)/.exec(s.replace(/\n/g, ''));
    assert.ok(m, s);
    assert.ok(existsSync(m[1]!) && existsSync(m[2]!));
    const csv = readFileSync(m[2]!, 'utf8');
    assert.match(csv, /\r\nAda,switch-role-admin,working,2 create-balu,1,6,1,0,0,0,0,/);
    assert.match(csv, /\r\nBob,switch-role-admin,left,1 create-temp-user-role,0,6,0,0,1,0,0,/);
  });
});
