// The README's examples run verbatim: every line of a ```sh block that calls smallest-tts runs in
// bash, in a temporary folder with a temporary HOME, against the local server (SMALLEST_BASE_URL
// and SMALLEST_API_KEY point at it) or --offline, and must exit 0. Lines that need what a test
// machine lacks are skipped by the rules below, each with its reason.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { API_KEY, BIN, ROOT, startServer, tempDir } from './helpers.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The lines of ```sh blocks that call the CLI (as smallest-tts or ./bin/smallest-tts.js). */
function exampleLines(markdown: string): string[] {
  const lines: string[] = [];
  let inSh = false;
  for (const line of markdown.split('\n')) {
    if (/^```/.test(line)) {
      inSh = !inSh && /^```(sh|bash|shell)\s*$/.test(line);
      continue;
    }
    if (inSh && /(^|[\s|(<$"])(\.\/bin\/)?smallest-tts(\.js)?\s/.test(line)) lines.push(line);
  }
  return lines;
}

const installed = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** Why a line cannot run here, or null. The first rule that matches decides. */
const SKIP_RULES: [RegExp | ((line: string) => boolean), string][] = [
  [/\bllm\b/, 'needs a language model (the llm tool)'],
  [/\btail -f\b/, 'never ends (tail -f)'],
  [/--base-url wss?:\/\/(?!127\.0\.0\.1|localhost)/, 'needs the network (a remote --base-url)'],
  [/smallest-tts serve\b/, 'runs a server until it is stopped'],
  [/ws:\/\/127\.0\.0\.1:8765/, 'needs `smallest-tts serve` running on port 8765'],
  [/--device\b/, 'needs a sound card (an ALSA device by name)'],
  // Plays through the speakers: say, repl or a preview with no -o and no redirect of stdout.
  [(line) => /\b(say|repl)\b|--preview/.test(line) && !/\s-o\s|>\s*\S|-v '\?'/.test(line.replace(/\s+#.*$/, '')), 'needs a sound card (plays through the speakers)'],
  [/completion zsh/, 'zsh syntax (needs zsh)'],
  [(line) => /\bparallel\b/.test(line) && !installed('parallel'), 'needs GNU parallel, which is not installed'],
  [(line) => /\|\s*jq\b/.test(line) && !installed('jq'), 'needs jq, which is not installed'],
  [(line) => /\|\s*sox\b/.test(line) && !installed('sox'), 'needs sox, which is not installed'],
];

function skipReason(line: string): string | null {
  for (const [rule, reason] of SKIP_RULES) if (typeof rule === 'function' ? rule(line) : rule.test(line)) return reason;
  return null;
}

/** Inputs the examples name, in the folder they run in; book.jsonl is the README's own example manifest. */
function writeInputs(dir: string): void {
  const jsonl = /```jsonl\n([\s\S]*?)```/.exec(README)?.[1];
  assert.ok(jsonl, 'the README has a jsonl example');
  writeFileSync(join(dir, 'book.jsonl'), jsonl);
  writeFileSync(join(dir, 'chapter.txt'), 'Chapter one. Mr. Holmes was late. The tea had gone cold, and Watson waited by the fire.\n');
  writeFileSync(join(dir, 'lines.txt'), 'The first line.\nThe second line.\n');
  writeFileSync(join(dir, 'book.txt'), 'One.\nTwo.\nThree.\nFour.\n');
  writeFileSync(join(dir, 'prompts.csv'), 'id,text\ngreeting,"Hello, and welcome."\nbye,Goodbye.\n');
  writeFileSync(join(dir, 'data.tsv'), '1\tFirst row.\n2\tSecond row.\n');
  // "from a clone of this repository": ./bin/smallest-tts.js
  symlinkSync(join(ROOT, 'bin'), join(dir, 'bin'));
}

function runLine(line: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', line], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('latin1').on('data', (d: string) => (output += d.slice(0, 2000)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.slice(0, 4000) });
    });
  });
}

test('every README example that needs no key, sound card, network or language model runs verbatim and exits 0', { timeout: 600_000 }, async (t) => {
  const server = await startServer(t);
  const dir = tempDir(t);
  const home = tempDir(t);
  mkdirSync(join(home, '.config', 'fish', 'completions'), { recursive: true }); // where fish users have it
  const binDir = tempDir(t);
  writeFileSync(join(binDir, 'smallest-tts'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(join(binDir, 'smallest-tts'), 0o755);
  writeInputs(dir);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SMALLEST_') && !k.startsWith('XDG_')) env[k] = v;
  Object.assign(env, {
    PATH: `${binDir}:${process.env.PATH}`, HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'),
    SMALLEST_BASE_URL: server.url, SMALLEST_API_KEY: API_KEY,
  });

  const lines = exampleLines(README);
  const skipped: string[] = [];
  const failures: string[] = [];
  let ran = 0;
  for (const line of lines) {
    const reason = skipReason(line);
    if (reason) {
      skipped.push(`${reason}: ${line.trim()}`);
      continue;
    }
    ran++;
    const r = await runLine(line, dir, env);
    if (r.code !== 0) failures.push(`exit ${r.code}: ${line.trim()}\n${r.output}`);
  }
  for (const s of skipped) t.diagnostic(`skipped (${s})`);
  t.diagnostic(`ran ${ran} of ${lines.length} example lines`);
  assert.deepEqual(failures, [], failures.join('\n\n'));
  assert.ok(ran >= 25, `only ${ran} examples ran`);
  // What the examples say they make is there.
  for (const file of ['hello.wav', 'chapter.mp3', 'chapter.srt', 'out.wav', 'take.flac', 'speech.ogg', 'out.flac', 'x.wav', 'report.json', 'meher.mp3', 'audio/intro.wav', 'audio/greeting.raw']) {
    assert.ok(readFileSync(join(dir, file)).length > 0, file);
  }
});
