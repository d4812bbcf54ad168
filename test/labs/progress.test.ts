// Progress with conf: the same file conf uses (including conf's default folder), written through
// conf, and the lab cache that lets `iamlab check` skip the YAML parser.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import { ProgressStore, homeFromEnv } from '../../src/labs/index.js';
import { defaultConfigDir, emptyStep, type LabProgress } from '../../src/labs/progress.js';
import { loadLabCached } from '../../src/labs/lab-cache.js';
import { LabLoadError } from '../../src/labs/lab-files.js';
import { LABS_DIR, tempHome } from './helpers.js';

const record = (id: string): LabProgress => ({
  id,
  version: '1.0.0',
  contentHash: 'x',
  backend: 'sim',
  started_at: '2025-01-01T00:00:00.000Z',
  current: 'a',
  steps: { a: { ...emptyStep(), attempts: 2, hints_shown: ['h1'] } },
});

describe('progress store', () => {
  it('uses the folder conf picks for projectName iamlab without a suffix', () => {
    const t = tempHome();
    const saved = process.env.XDG_CONFIG_HOME;
    try {
      process.env.XDG_CONFIG_HOME = t.home;
      const conf = new Conf({ projectName: 'iamlab', projectSuffix: '' });
      assert.equal(conf.path, join(defaultConfigDir(), 'config.json'));
      assert.equal(new ProgressStore(undefined).path, conf.path);
    } finally {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
      t.done();
    }
  });

  it('honours IAMLAB_HOME', () => {
    const saved = process.env.IAMLAB_HOME;
    try {
      process.env.IAMLAB_HOME = '/tmp/some-classroom';
      assert.equal(homeFromEnv(), '/tmp/some-classroom');
      assert.equal(new ProgressStore().path, '/tmp/some-classroom/config.json');
    } finally {
      if (saved === undefined) delete process.env.IAMLAB_HOME;
      else process.env.IAMLAB_HOME = saved;
    }
  });

  it('writes through conf, and conf reads back what was written', async () => {
    const t = tempHome();
    try {
      await ProgressStore.ready();
      const s = new ProgressStore(t.home);
      s.set('lab-a', record('lab-a'));
      const conf = new Conf<Record<string, unknown>>({ projectName: 'iamlab', projectSuffix: '', cwd: t.home, accessPropertiesByDotNotation: false });
      assert.deepEqual((conf.get('labs') as Record<string, unknown>)['lab-a'], record('lab-a'));
      conf.set('other-key', 1);
      const again = new ProgressStore(t.home);
      assert.deepEqual(again.get('lab-a'), record('lab-a'));
      again.delete('lab-a');
      assert.equal(new ProgressStore(t.home).get('lab-a'), undefined);
      assert.equal(new Conf<Record<string, unknown>>({ projectName: 'iamlab', projectSuffix: '', cwd: t.home }).get('other-key'), 1, 'other keys survive');
    } finally {
      t.done();
    }
  });

  it('a damaged file is renamed with a timestamp, never overwritten', () => {
    const t = tempHome();
    try {
      writeFileSync(join(t.home, 'config.json'), '[1, 2');
      const s = new ProgressStore(t.home, () => new Date('2025-06-01T12:00:00.000Z'));
      assert.deepEqual(readdirSync(t.home).sort(), ['config.json.corrupt-2025-06-01T12-00-00-000Z']);
      assert.equal(readFileSync(join(t.home, 'config.json.corrupt-2025-06-01T12-00-00-000Z'), 'utf8'), '[1, 2');
      assert.equal(s.warnings.length, 1);
      assert.match(s.warnings[0]!, /config\.json was damaged \(not valid JSON\)\. It was kept as .*config\.json\.corrupt-2025-06-01T12-00-00-000Z; progress starts afresh\./);
    } finally {
      t.done();
    }
  });
});

describe('lab cache', () => {
  it('serves an unchanged lab from the cache and reloads a changed one; a broken lab is still reported', async () => {
    const t = tempHome();
    try {
      const labs = join(t.home, 'labs');
      cpSync(LABS_DIR, labs, { recursive: true });
      const cacheDir = join(t.home, 'cache');
      const a = await loadLabCached('zero-permission-user', { labsDir: labs, cacheDir });
      assert.equal(readdirSync(cacheDir).length, 1);
      const b = await loadLabCached('zero-permission-user', { labsDir: labs, cacheDir });
      assert.deepEqual(b, a);
      const file = join(labs, 'zero-permission-user', 'lab.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('title: A user with no permissions assumes a role', 'title: Zero permissions'));
      const c = await loadLabCached('zero-permission-user', { labsDir: labs, cacheDir });
      assert.equal(c.title, 'Zero permissions');
      assert.notEqual(c.contentHash, a.contentHash);
      writeFileSync(file, readFileSync(file, 'utf8').replace('minutes: 25', 'minutes: lots'));
      await assert.rejects(loadLabCached('zero-permission-user', { labsDir: labs, cacheDir }), (e: unknown) => e instanceof LabLoadError && /lab\.yaml:\d+:\d+: minutes: expected number/.test(e.message));
    } finally {
      t.done();
    }
  });
});
