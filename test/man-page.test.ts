import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { manPage, roffText } from '../src/cli/man-page.js';
import { buildProgram } from '../src/cli/program.js';
import { ROOT } from './helpers.js';

const PAGE = join(ROOT, 'smallest-tts.1');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; man?: string | string[]; files?: string[] };
const hasMan = spawnSync('man', ['--version']).status === 0;

/** The page as `man` shows it, wide enough that no flag is wrapped, with roff's hyphens and minus signs as ASCII. */
function rendered(): string {
  const text = execFileSync('man', ['-l', PAGE], { env: { ...process.env, MANWIDTH: '250', MAN_KEEP_FORMATTING: '', PAGER: 'cat', LANG: 'C.UTF-8' }, encoding: 'utf8' });
  return text.replace(/[\u2010\u2212]/g, '-');
}

/** Every visible command of the program, and its visible options as commander's help names them ("-o, --output <file>"). */
function commandsAndOptions(): { name: string; terms: string[] }[] {
  const program = buildProgram();
  const help = program.createHelp();
  return [
    { name: '', terms: help.visibleOptions(program).map((o) => help.optionTerm(o)) },
    ...help.visibleCommands(program).filter((c) => c.name() !== 'help').map((c) => ({ name: c.name(), terms: help.visibleOptions(c).map((o) => help.optionTerm(o)) })),
  ];
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the man page', () => {
  test('the built smallest-tts.1 is what the program gives now (generated at build time, never stale)', () => {
    assert.equal(readFileSync(PAGE, 'utf8'), manPage(buildProgram(), { version: pkg.version }));
  });

  test('package.json installs it: "man" names it and "files" ships it', () => {
    assert.deepEqual([pkg.man].flat(), ['./smallest-tts.1']);
    assert.ok(pkg.files?.includes('smallest-tts.1'), 'listed in files');
  });

  test('man -l ./smallest-tts.1 renders every command, every option of each, and its examples', { skip: !hasMan && 'man is not installed (apt-get install man-db)' }, () => {
    const text = rendered();
    assert.match(text, /^SMALLEST-TTS\(1\)/m);
    const all = commandsAndOptions();
    assert.ok(all.length >= 8, 'the walk found the commands');
    const starts = all.map(({ name }) => (name ? text.indexOf(`\n   smallest-tts ${name} `) : text.indexOf('\nOPTIONS\n')));
    all.forEach(({ name, terms }, i) => {
      assert.ok(starts[i] >= 0, `a section for ${name || 'the global options'}`);
      const own = text.slice(starts[i], i === 0 ? text.indexOf('\nCOMMANDS\n') : starts[i + 1] > 0 ? starts[i + 1] : undefined);
      // Each option as an item of its own command's section: the term at the start of a line.
      for (const term of terms) assert.match(own, new RegExp(`^ {7}${escape(term)}(\\s|$)`, 'm'), `${name || 'smallest-tts'} ${term}`);
    });
    assert.match(text, /\$ smallest-tts say "Press one for sales" -o menu\.ulaw/, 'examples from --help');
    assert.match(text, /μ-law/, 'non-ASCII survives');
  });

  test('groff reads it without a warning', { skip: spawnSync('groff', ['--version']).status !== 0 && 'groff is not installed' }, () => {
    const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', PAGE], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
  });

  test('help text is escaped for roff: a leading dot, backslashes, hyphens, non-ASCII', () => {
    assert.equal(roffText('.hidden'), '\\&.hidden');
    assert.equal(roffText("'quoted"), "\\&'quoted");
    assert.equal(roffText('a\\b --flag'), 'a\\eb \\-\\-flag');
    assert.equal(roffText('μ×'), '\\[u03BC]\\[u00D7]');
    assert.equal(roffText('😀'), '\\[u1F600]');
  });
});
