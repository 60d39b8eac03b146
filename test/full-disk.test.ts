// Issue 19, row 7 and guarantee 4: batch into a folder on a full disk (a real, small tmpfs) stops at
// the first ENOSPC instead of buying every item only to throw it away; a folder that cannot keep
// anything costs no request, for batch and for say in every format.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseWav, runCli, serverArgs, startServer, tempDir, type TestContextLike } from './helpers.js';

/** A tmpfs of `size` mounted on a new folder, unmounted (then removed) after the test; null where mounting is not permitted. */
function smallDisk(t: TestContextLike, size: string, options = ''): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'smallest-tts-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${options ? `,${options}` : ''}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  t.after(() => {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

const SKIP = 'mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN)';

function manifest(t: TestContextLike, count: number): string {
  const path = join(tempDir(t), 'lines.txt');
  writeFileSync(path, Array.from({ length: count }, (_, i) => `Sentence number ${i + 1} is here for the test.`).join('\n'));
  return path;
}

describe('batch on a full disk (regression: all 30 items were requested, then all 30 failed "disk is full")', () => {
  test('the first ENOSPC stops the batch: that item fails, no further request, the rest not done; a rerun with space resumes', async (t) => {
    // Each item is ~92 kB of WAV: two fit in 256 kB, the third finds the disk full.
    const disk = smallDisk(t, '256k');
    if (!disk) return t.skip(SKIP);
    const server = await startServer(t);
    const lines = manifest(t, 30);
    const out = join(disk, 'out');
    const r = await runCli(['batch', lines, '--out-dir', out, '--json', ...serverArgs(server)]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(server.requests.length, 3, 'requests after the disk filled');
    const report = JSON.parse(r.stdout.toString()) as { items: { id: string; status: string; error: { code?: string } | null }[]; written: number; failed: number; notDone: number };
    assert.deepEqual([report.written, report.failed, report.notDone], [2, 1, 27]);
    assert.equal(report.items.find((i) => i.status === 'failed')?.error?.code, 'ENOSPC');
    assert.match(r.stderr, /no space left on device \(ENOSPC\); no further requests were sent/);
    assert.match(r.stderr, /27 items are not done/);
    assert.deepEqual(readdirSync(out).sort(), ['0001.wav', '0002.wav']); // no .part left behind

    execFileSync('mount', ['-o', 'remount,size=8m', disk]);
    const again = await runCli(['batch', lines, '--out-dir', out, ...serverArgs(server)]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(server.requests.length, 3 + 28, 'only what was not done is requested again');
    assert.equal(readdirSync(out).length, 30);
    assert.equal(parseWav(readFileSync(join(out, '0030.wav'))).dataSize > 0, true);
  });

  test('a disk already full or a read-only folder: refused before the first request', async (t) => {
    const full = smallDisk(t, '64k');
    const readOnly = smallDisk(t, '64k', 'ro');
    if (!full || !readOnly) return t.skip(SKIP);
    writeFileSync(join(full, 'filler'), ''); // created while there was room …
    try {
      writeFileSync(join(full, 'filler'), Buffer.alloc(128 * 1024)); // … then everything is taken
    } catch {
      // ENOSPC: full, as wanted
    }
    const server = await startServer(t);
    const lines = manifest(t, 5);
    const onFull = await runCli(['batch', lines, '--out-dir', full, ...serverArgs(server)]);
    assert.equal(onFull.code, 1, onFull.stderr);
    assert.match(onFull.stderr, /no space left on device \(ENOSPC\)/);
    assert.match(onFull.stderr, /5 items are not done/);
    const onReadOnly = await runCli(['batch', lines, '--out-dir', readOnly, ...serverArgs(server)]);
    assert.equal(onReadOnly.code, 1, onReadOnly.stderr);
    assert.match(onReadOnly.stderr, /read-only file system \(EROFS\)/);
    assert.equal(server.upgrades.length, 0, 'a socket was opened');
    assert.equal(server.requests.length, 0);
    assert.deepEqual(readdirSync(readOnly), []);
  });

  test('every item already done: a full disk does not stop a batch that needs to write nothing', async (t) => {
    const disk = smallDisk(t, '256k');
    if (!disk) return t.skip(SKIP);
    const server = await startServer(t);
    const lines = manifest(t, 2);
    const first = await runCli(['batch', lines, '--out-dir', disk, ...serverArgs(server)]);
    assert.equal(first.code, 0, first.stderr);
    try {
      writeFileSync(join(disk, 'filler'), Buffer.alloc(256 * 1024));
    } catch {
      // full now
    }
    const again = await runCli(['batch', lines, '--out-dir', disk, ...serverArgs(server)]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /2 already there/);
  });
});

describe('say into a full or read-only folder: refused before the request, nothing left behind', () => {
  test('every format on a full disk, and a read-only mount: exit 1 naming why, no request, no .part', async (t) => {
    const full = smallDisk(t, '64k');
    const readOnly = smallDisk(t, '64k', 'ro');
    if (!full || !readOnly) return t.skip(SKIP);
    try {
      writeFileSync(join(full, 'filler'), Buffer.alloc(128 * 1024));
    } catch {
      // ENOSPC: full, as wanted
    }
    const server = await startServer(t);
    for (const format of ['wav', 'mp3', 'flac', 'ogg', 'raw']) {
      const r = await runCli(['say', 'Hello there.', '-o', join(full, `a.${format}`), ...serverArgs(server)]);
      assert.equal(r.code, 1, `${format}: ${r.stderr}`);
      assert.match(r.stderr, /the disk is full/, format);
    }
    const ro = await runCli(['say', 'Hello there.', '-o', join(readOnly, 'a.mp3'), ...serverArgs(server)]);
    assert.equal(ro.code, 1, ro.stderr);
    assert.match(ro.stderr, /read-only/);
    assert.equal(server.requests.length, 0, 'a request was paid for');
    assert.deepEqual(readdirSync(full), ['filler']);
  });
});

test('regression: a second signal while the output folder was being probed left a .smallest-tts-probe file', async (t) => {
  // A process probes a folder and is made to exit at once, as a second signal does (temporary files
  // removed synchronously), while the probe's file exists.
  const dir = tempDir(t);
  const probe = new URL('../src/core/files/probe-folder.js', import.meta.url).href;
  const temps = new URL('../src/core/files/temp-files.js', import.meta.url).href;
  const script = `
    import { existsSync, watch } from 'node:fs';
    import { join } from 'node:path';
    import { probeFolder } from ${JSON.stringify(probe)};
    import { removeTempsSync } from ${JSON.stringify(temps)};
    const dir = ${JSON.stringify(dir)};
    watch(dir, (_event, name) => {
      if (!name?.startsWith('.smallest-tts-probe.')) return;
      process.stdout.write(existsSync(join(dir, name)) ? 'present' : 'gone');
      removeTempsSync();
      process.exit(0);
    });
    setTimeout(() => void probeFolder(dir), 50);
  `;
  let sawIt = false;
  for (let attempt = 0; attempt < 10 && !sawIt; attempt++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    sawIt = out === 'present';
    assert.deepEqual(readdirSync(dir), [], `attempt ${attempt}: ${out}`);
  }
  assert.ok(sawIt, 'the exit came while the probe file existed');
});
