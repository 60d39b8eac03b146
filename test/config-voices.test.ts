import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { API_KEY, parseWav, runCli, serverArgs, startServer, tempDir, type TestContextLike } from './helpers.js';

function isolatedEnv(t: TestContextLike): Record<string, string> {
  const dir = tempDir(t);
  return { XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache') };
}

const ODD_CATALOG = [
  { voiceId: 'emily', displayName: 'Emily', tags: { language: ['english', 'hindi'], accent: 'indian', gender: 'female', age: 'young', usecases: ['news'] } },
  { voiceId: 'ryan', displayName: 'Ryan', tags: { language: ['english'], gender: 'male' } },
  { voiceId: 'arnav', tags: {} },
  { voiceId: 'karl', displayName: 'Karl', tags: { language: 'german', gender: 'Male' } },
  { displayName: 'No id, skipped' },
];

describe('voices', () => {
  test('a table and JSON, filtered by language and gender; every tag optional', async (t) => {
    const server = await startServer(t, { voiceCatalog: ODD_CATALOG });
    const env = isolatedEnv(t);
    const all = await runCli(['voices', ...serverArgs(server)], { env });
    assert.equal(all.code, 0, all.stderr);
    const lines = all.stdout.toString().trimEnd().split('\n');
    assert.match(lines[0], /^VOICE\s+NAME\s+GENDER\s+ACCENT\s+AGE\s+WORD TIMINGS\s+LANGUAGES$/);
    assert.match(lines[1], /^emily\s+Emily\s+female\s+indian\s+young\s+no\s+english, hindi$/);
    assert.match(lines[3], /^arnav\s+arnav\s+no$/);
    assert.equal(lines.length, 5);
    assert.equal(lines[1].indexOf('Emily'), lines[2].indexOf('Ryan'), 'columns aligned');

    const json = await runCli(['voices', '--json', '--gender', 'male', ...serverArgs(server)], { env });
    assert.deepEqual(JSON.parse(json.stdout.toString()).map((v: { voiceId: string }) => v.voiceId), ['ryan', 'karl']);
    const hindi = await runCli(['voices', '--json', '--language', 'hi', ...serverArgs(server)], { env });
    assert.deepEqual(JSON.parse(hindi.stdout.toString()), [{ voiceId: 'emily', displayName: 'Emily', languages: ['english', 'hindi'], accent: 'indian', gender: 'female', age: 'young', usecases: ['news'], wordTimestamps: false }]);
    const german = await runCli(['voices', '--json', '--language', 'german', ...serverArgs(server)], { env });
    assert.deepEqual(JSON.parse(german.stdout.toString()).map((v: { voiceId: string }) => v.voiceId), ['karl']);
  });

  test('the REST call reads the one current catalogue with the Bearer key; Pro shares its cache; --refresh fetches again', async (t) => {
    const server = await startServer(t, { retiredModels: [] });
    const env = isolatedEnv(t);
    for (const extra of [[], ['--model', 'lightning-v3.1-pro'], ['--model', 'lightning_v3.1_pro', '--refresh'], ['--model', 'lightning-v2']]) {
      const r = await runCli(['voices', ...extra, ...serverArgs(server)], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.toString(), /sophia/);
    }
    assert.deepEqual(server.httpRequests, [
      { path: '/waves/v1/lightning-v3.1/get_voices', authorization: `Bearer ${API_KEY}` },
      { path: '/waves/v1/lightning-v3.1/get_voices', authorization: `Bearer ${API_KEY}` },
      { path: '/waves/v1/lightning-v2/get_voices', authorization: `Bearer ${API_KEY}` },
    ]);
  });

  test('completion offers the cached voices of the configured base URL', async (t) => {
    const server = await startServer(t, { voiceCatalog: ODD_CATALOG });
    const env = isolatedEnv(t);
    await runCli(['config', 'set', 'base-url', server.url], { env });
    await runCli(['voices', '--api-key', API_KEY], { env });
    const names = (await runCli(['__voices'], { env })).stdout.toString().split('\n');
    for (const id of ['arnav', 'karl', 'emily', 'sophia']) assert.ok(names.includes(id), id);
  });

  test('a refused key: exit 1, nothing cached', async (t) => {
    const server = await startServer(t);
    const env = isolatedEnv(t);
    const r = await runCli(['voices', '--base-url', server.url, '--api-key', 'wrong-key-abc'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refused \(HTTP 401\)/);
    assert.ok(!r.stderr.includes('wrong-key-abc'));
  });

  test('with the catalogue cached, a mistyped voice (flag, config or REPL) is exit 2 with the nearest ids, and nothing is sent', async (t) => {
    const server = await startServer(t);
    const env = isolatedEnv(t);
    await runCli(['voices', ...serverArgs(server)], { env });
    const upgrades = server.upgrades.length;
    const r = await runCli(['say', 'Hi.', '--voice', 'sopia', '-o', join(tempDir(t), 'x.wav'), ...serverArgs(server)], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--voice "sopia" is not a known voice\. Did you mean sophia\?/);
    // Found by the local check or refused by the service, an unknown voice has one code.
    const json = await runCli(['say', 'Hi.', '--voice', 'sopia', '-o', join(tempDir(t), 'j.wav'), '--json', ...serverArgs(server)], { env });
    assert.equal(JSON.parse(String(json.stdout).trim().split('\n').pop()!).error.code, 'unknown_voice');
    await runCli(['config', 'set', 'voice', 'emilly'], { env });
    const fromConfig = await runCli(['say', 'Hi.', '-o', join(tempDir(t), 'y.wav'), ...serverArgs(server)], { env });
    assert.equal(fromConfig.code, 2);
    assert.match(fromConfig.stderr, /Did you mean emily\?/);
    await runCli(['config', 'unset', 'voice'], { env });
    const repl = await runCli(['repl', '-o', join(tempDir(t), 'z.wav'), ...serverArgs(server)], { env, stdin: '/voice ryn\nStill spoken.\n' });
    assert.equal(repl.code, 2);
    assert.match(repl.stderr, /\/voice "ryn" is not a known voice\. Did you mean ryan\?/);
    assert.equal(server.upgrades.length, upgrades + 1, 'only the REPL connected');
    assert.deepEqual(server.requests.map((q) => [q.text, q.body.voice_id]), [['Still spoken.', 'sophia']]);
  });

  test('without a cache, the server refuses the voice and the message says how to list them; --offline knows its own voices', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['say', 'Hi.', '--voice', 'nobody', '-o', join(tempDir(t), 'x.wav'), ...serverArgs(server)], { env: isolatedEnv(t) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /voice "nobody" was not found/);
    assert.match(r.stderr, /smallest-tts voices/);
    const offline = await runCli(['say', 'Hi.', '--offline', '--voice', 'nobodyxyz', '-o', join(tempDir(t), 'y.wav')], { env: isolatedEnv(t) });
    assert.equal(offline.code, 2);
    assert.match(offline.stderr, /"nobodyxyz" is not a known voice/);
  });

  test('voices --preview ID -o FILE writes a sample sentence in that voice', async (t) => {
    const server = await startServer(t);
    const out = join(tempDir(t), 'liam.mp3');
    const r = await runCli(['voices', '--preview', 'liam', '-o', out, ...serverArgs(server)], { env: isolatedEnv(t) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(server.requests.map((q) => q.body.voice_id), ['liam']);
    assert.match(server.requests[0].text, /^Hello, I'm Liam\./);
    assert.ok(readFileSync(out).length > 1000);
  });
});

test('languages: the chosen model\'s codes with names, as a table or JSON', async () => {
  const table = await runCli(['languages']);
  assert.equal(table.code, 0);
  assert.match(table.stdout.toString(), /^CODE\s+LANGUAGE\nauto\s+Automatic \(from the text\)\nen\s+English\nhi\s+Hindi\n/);
  const codes = async (model: string) => JSON.parse((await runCli(['languages', '--json', '--model', model])).stdout.toString()).map((l: { code: string }) => l.code);
  assert.equal((await codes('lightning_v3.1')).length, 21);
  const pro = await codes('lightning-v3.1-pro');
  assert.equal(pro.length, 32);
  assert.ok(pro.includes('ja') && !pro.includes('he'));
  const v2 = await codes('lightning-v2');
  assert.equal(v2.length, 16);
  assert.equal(v2.at(-1), 'he');
});

describe('config', () => {
  test('set, get, list, unset; the file is 0600 and the key is never printed', async (t) => {
    const env = isolatedEnv(t);
    const secret = 'sk-config-secret-9f8e7d';
    for (const args of [['set', 'voice', 'emily'], ['set', 'api-key', secret], ['set', 'speed', '1.25', '--profile', 'fast']]) {
      const r = await runCli(['config', ...args], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret));
    }
    const path = (await runCli(['config', 'path'], { env })).stdout.toString().trim();
    assert.equal(path, join(env.XDG_CONFIG_HOME, 'smallest-tts', 'config.json'));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { defaults: { voice: 'emily', 'api-key': secret }, profiles: { fast: { speed: 1.25 } } });
    const list = await runCli(['config', 'list'], { env });
    assert.equal(list.stdout.toString(), '[defaults]\n  voice        emily\n  api-key      ********7d\n'.replace('********7d', `********${secret.slice(-4)}`) + '[profile fast]\n  speed        1.25\n');
    assert.equal((await runCli(['config', 'get', 'api-key'], { env })).stdout.toString(), `********${secret.slice(-4)}\n`);
    assert.equal((await runCli(['config', 'get', 'voice'], { env })).stdout.toString(), 'emily\n');
    assert.equal((await runCli(['config', 'unset', 'voice'], { env })).code, 0);
    const gone = await runCli(['config', 'get', 'voice'], { env });
    assert.equal(gone.code, 0, 'unset shows the value used instead');
    assert.equal(gone.stdout.toString(), 'sophia\n');
    assert.match(gone.stderr, /voice is not set in the defaults: this is the built-in default/);
  });

  test('invalid values are refused with the flags\' messages', async (t) => {
    const env = isolatedEnv(t);
    const cases: [string[], RegExp][] = [
      [['set', 'speed', '3'], /--speed must be between 0\.5 and 2 on lightning_v3\.1 \(got 3\)/],
      [['set', 'consistency', '0.5'], /--consistency works only with model lightning-v2/],
      [['set', 'language', 'xx'], /--language must be one of/],
      [['set', 'sample-rate', 'fast'], /--sample-rate must be a number/],
      [['set', 'base-url', 'ws://example.com'], /unencrypted/],
      [['set', 'colour', 'blue'], /Unknown config key "colour"/],
      [['set', 'voice'], /Usage: smallest-tts config set KEY VALUE/],
      [['frobnicate'], /Unknown config action/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['config', ...args], { env });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
    assert.equal((await runCli(['config', 'list'], { env })).stdout.toString(), '[defaults]\n  (nothing set)\n', 'nothing was written');
  });

  test('precedence: flags over environment over the config file over defaults; --verbose says which', async (t) => {
    const server = await startServer(t);
    const env = isolatedEnv(t);
    const out = join(tempDir(t), 'x.wav');
    await runCli(['config', 'set', 'voice', 'emily'], { env });
    await runCli(['config', 'set', 'api-key', 'sk-stale-config-key'], { env });
    await runCli(['config', 'set', 'base-url', 'ws://127.0.0.1:9'], { env });
    await runCli(['config', 'set', 'speed', '1.5', '--profile', 'quick'], { env });

    // The environment's key and base URL beat the file's; the file's voice beats the default.
    const a = await runCli(['say', 'One.', '-o', out, '--verbose'], { env: { ...env, SMALLEST_API_KEY: API_KEY, SMALLEST_BASE_URL: server.url } });
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stderr, /voice=emily \(config\)/);
    assert.match(a.stderr, /model=lightning_v3\.1 \(default\)/);
    assert.match(a.stderr, /api-key=\*{8}\w{4} \(env\)/);
    assert.ok(!a.stderr.includes(API_KEY) && !a.stderr.includes('sk-stale-config-key'));

    // Flags beat both; a profile layers over the defaults.
    const b = await runCli(['say', 'Two.', '-o', out, '--voice', 'ryan', '--profile', 'quick', ...serverArgs(server)], { env: { ...env, SMALLEST_BASE_URL: 'ws://127.0.0.1:9' } });
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(server.requests.map((r) => [r.body.voice_id, r.body.speed]), [['emily', undefined], ['ryan', 1.5]]);

    // With nothing else, the file's key is used (and refused by this server: it is stale).
    const c = await runCli(['say', 'Three.', '-o', out, '--base-url', server.url], { env });
    assert.equal(c.code, 1);
    assert.match(c.stderr, /refused/);
    assert.equal(server.upgrades.at(-1)?.authorization, 'Bearer sk-stale-config-key');
  });

  test('a lightning-v2 value in the config does not break lightning-v3.1 runs', async (t) => {
    const server = await startServer(t, { retiredModels: [] });
    const env = isolatedEnv(t);
    await runCli(['config', 'set', 'model', 'lightning-v2'], { env });
    await runCli(['config', 'set', 'consistency', '0.3'], { env });
    const dir = tempDir(t);
    const v2 = await runCli(['say', 'Two.', '-o', join(dir, 'a.wav'), ...serverArgs(server)], { env });
    const v3 = await runCli(['say', 'Three.', '--model', 'lightning-v3.1', '-o', join(dir, 'b.wav'), ...serverArgs(server)], { env });
    assert.equal(v2.code, 0, v2.stderr);
    assert.equal(v3.code, 0, v3.stderr);
    assert.deepEqual(server.requests.map((r) => [r.model, r.body.consistency]), [['lightning-v2', 0.3], ['lightning_v3.1', undefined]]);
  });

  test('an unknown profile is a usage error', async (t) => {
    const r = await runCli(['say', 'Hi.', '--profile', 'nope', '--api-key', 'k'], { env: isolatedEnv(t) });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No profile named "nope"/);
  });
});

describe('say --json', () => {
  test('with -o FILE: one JSON object on stdout with the settings and timings, no key', async (t) => {
    const server = await startServer(t);
    const out = join(tempDir(t), 'x.wav');
    const r = await runCli(['say', 'Numbers for scripts.', '-o', out, '--json', '--voice', 'emily', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout.toString());
    assert.deepEqual(report.settings, { model: 'lightning_v3.1', voice: 'emily', language: 'en', sampleRate: 24000 });
    assert.equal(report.output, out);
    assert.equal(report.requests, 1);
    assert.equal(report.bytes, parseWav(readFileSync(out)).data.length);
    assert.equal(report.audioSeconds, Number((report.bytes / 48000).toFixed(3)));
    assert.ok(report.firstAudioMs >= 0 && report.totalMs >= report.firstAudioMs);
    assert.ok(!r.stdout.toString().includes(API_KEY));
  });

  test('with -o -: audio on stdout, the JSON on stderr', async (t) => {
    const server = await startServer(t);
    const r = await runCli(['say', 'Audio here.', '-o', '-', '--raw', '--json', ...serverArgs(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout, server.requests[0].pcm);
    assert.equal(JSON.parse(r.stderr).bytes, r.stdout.length);
  });
});

describe('completion, help and version', () => {
  test('the bash script parses, and completes commands, flags and values', async (t) => {
    const r = await runCli(['completion', 'bash']);
    assert.equal(r.code, 0);
    const file = join(tempDir(t), 'complete.bash');
    writeFileSync(file, r.stdout);
    assert.equal(spawnSync('bash', ['-n', file]).status, 0, 'bash -n');
    const complete = (line: string) =>
      execFileSync('bash', ['-c', `source '${file}'; COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _smallest_tts; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(complete("smallest-tts 'sa'"), ['say']);
    assert.deepEqual(complete("smallest-tts say '--mo'"), ['--model']);
    assert.deepEqual(complete("smallest-tts say --model ''"), ['lightning_v3.1', 'lightning_v3.1_pro', 'lightning-v2']);
    assert.deepEqual(complete("smallest-tts repl --language 'h'"), ['hi'], 'the default model has no Hebrew');
    assert.deepEqual(complete("smallest-tts say --model lightning_v3.1_pro --language 'j'"), ['ja']);
    assert.deepEqual(complete("smallest-tts say --model lightning-v2 --language 'h'"), ['hi', 'he']);
    assert.deepEqual(complete("smallest-tts config ''"), ['set', 'get', 'unset', 'list', 'path']);
    assert.deepEqual(complete("smallest-tts 'do'"), ['doctor']);
    assert.deepEqual(complete("smallest-tts doctor '--tr'"), ['--trace']);
    assert.deepEqual(complete("smallest-tts say '--tr'"), ['--trace']);
  });

  test('zsh and fish scripts are produced; an unknown shell is a usage error', async () => {
    const zsh = await runCli(['completion', 'zsh']);
    assert.match(zsh.stdout.toString(), /^#compdef smallest-tts/);
    if (spawnSync('zsh', ['--version']).status === 0) assert.equal(spawnSync('zsh', ['-n'], { input: zsh.stdout }).status, 0);
    const fish = await runCli(['completion', 'fish']);
    assert.match(fish.stdout.toString(), /complete -c smallest-tts -n '__fish_seen_subcommand_from say' -l voice -s v -r -a '\(smallest-tts __voices 2>\/dev\/null\)'/);
    const bad = await runCli(['completion', 'powershell']);
    assert.equal(bad.code, 2);
  });

  test('--version, and --help for every command with examples', async () => {
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout.toString().trim(), JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
    for (const command of ['say', 'repl', 'serve', 'voices', 'languages', 'config', 'completion', 'doctor']) {
      const help = await runCli([command, '--help']);
      assert.equal(help.code, 0, command);
      assert.match(help.stdout.toString(), /Examples:\n {2}\$ .*smallest-tts/, command);
    }
  });
});

test('a bare call prints the help on stderr and exits 2; a typo suggests the command', async () => {
  const bare = await runCli([]);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /Usage: smallest-tts/);
  const typo = await runCli(['sya', 'hi']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /Did you mean say\?/);
  assert.equal((await runCli(['help', 'say'])).code, 0);
});
