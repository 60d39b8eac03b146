// The layers of the house, checked from the code: imports only downward and without circles, the
// client fed text from outside, no CLI words in the core, each route spelled once, a small public
// face, short functions and small folders.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { ROOT } from './helpers.js';

const SRC = join(ROOT, 'src');

/** Bottom to top: a file may import from its own layer and the layers before it. */
export const LAYERS = ['core', 'protocol', 'text', 'audio', 'waves', 'server', 'pipeline', 'cli'] as const;
/** The public entry points sit above every layer but the CLI's. */
const ENTRY_RANK = LAYERS.indexOf('pipeline') + 0.5;
/** The only file that spells the service's paths. */
const ROUTES_FILE = 'src/protocol/routes.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

const files = sources(SRC).map((f) => relative(ROOT, f));
const parsed = new Map(files.map((f) => [f, ts.createSourceFile(f, readFileSync(join(ROOT, f), 'utf8'), ts.ScriptTarget.ES2022, true)]));

function layerOf(file: string): { name: string; rank: number } {
  const top = file.split('/')[1];
  const rank = LAYERS.indexOf(top as (typeof LAYERS)[number]);
  return rank >= 0 ? { name: top, rank } : { name: file, rank: ENTRY_RANK };
}

/** Relative imports of a file (static, re-exports and dynamic), as repository paths of .ts files. */
function importsOf(file: string): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    let spec: ts.Expression | undefined;
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) spec = node.moduleSpecifier;
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) spec = node.arguments[0];
    if (spec && ts.isStringLiteral(spec) && spec.text.startsWith('.')) {
      out.push(relative(ROOT, resolve(ROOT, dirname(file), spec.text)).replace(/\.js$/, '.ts'));
    }
    ts.forEachChild(node, visit);
  };
  visit(parsed.get(file)!);
  return out;
}

const graph = new Map(files.map((f) => [f, importsOf(f)]));

test('each layer imports only from itself and the layers below it', () => {
  const against = [...graph].flatMap(([file, deps]) =>
    deps.filter((dep) => layerOf(dep).rank > layerOf(file).rank).map((dep) => `${file} → ${dep}`),
  );
  assert.deepEqual(against, []);
});

test('the client takes text from outside: src/waves imports nothing from src/text', () => {
  const back = [...graph].flatMap(([file, deps]) => (file.startsWith('src/waves/') ? deps.filter((d) => d.startsWith('src/text/')).map((d) => `${file} → ${d}`) : []));
  assert.deepEqual(back, []);
});

test('no import circles', () => {
  // Tarjan's strongly connected components; any component of more than one file is a circle.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const connect = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) circles.push(component.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) connect(f);
  assert.deepEqual(circles, []);
});

/** Every string a file spells: literals and the fixed parts of templates. */
function stringsOf(file: string): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) out.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(parsed.get(file)!);
  return out;
}

/** Options of the other programs the code runs (flite, node): arguments on their command lines, not flags of ours. */
const OTHER_PROGRAMS_OPTIONS = new Set(['--setf', '--expose-gc', '--input-type=module']);

test('outside src/cli no string names a flag or a SMALLEST_ variable', () => {
  const cliWords = /(^|[^\w-])--[a-z][a-z0-9-]+|SMALLEST_/;
  const offenders = files
    .filter((f) => !f.startsWith('src/cli/'))
    .flatMap((f) => stringsOf(f).filter((s) => cliWords.test(s) && !OTHER_PROGRAMS_OPTIONS.has(s)).map((s) => `${f}: ${JSON.stringify(s.slice(0, 80))}`));
  assert.deepEqual(offenders, []);
});

test('each route of the service is spelled in one file', () => {
  const route = /\/v1\/|get_speech|get_voices|tts\/live/;
  const offenders = files
    .filter((f) => f !== ROUTES_FILE)
    .flatMap((f) => stringsOf(f).filter((s) => route.test(s)).map((s) => `${f}: ${JSON.stringify(s.slice(0, 80))}`));
  assert.deepEqual(offenders, []);
});

test('the public face exports at most 40 names, and nothing from src/cli', () => {
  const program = ts.createProgram([join(SRC, 'index.ts')], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const names = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(join(SRC, 'index.ts'))!)!).map((s) => s.name);
  assert.ok(names.length <= 40, `${names.length} names exported: ${names.join(', ')}`);
  assert.deepEqual(graph.get('src/index.ts')!.filter((d) => d.startsWith('src/cli/')), []);
});

/** Lines of every function, method and arrow, named by file, line and name where it has one. */
function functionLengths(): { where: string; lines: number }[] {
  const out: { where: string; lines: number }[] = [];
  for (const [file, source] of parsed) {
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        const name = node.name && ts.isIdentifier(node.name) ? node.name.text : ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name) ? node.parent.name.text : '(anonymous)';
        out.push({ where: `${file}:${start + 1} ${name}`, lines: end - start + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

test('at most 2 functions over 60 lines and none over 100', () => {
  const long = functionLengths().filter((f) => f.lines > 60).sort((a, b) => b.lines - a.lines);
  const report = long.map((f) => `${f.where} (${f.lines})`);
  assert.ok(long.length <= 2, `functions over 60 lines: ${report.join(', ')}`);
  assert.deepEqual(long.filter((f) => f.lines > 100).map((f) => f.where), []);
});

test('no folder holds more than 15 files', () => {
  const counts = new Map<string, number>();
  for (const f of files) counts.set(dirname(f), (counts.get(dirname(f)) ?? 0) + 1);
  const crowded = [...counts].filter(([, n]) => n > 15).map(([d, n]) => `${d} (${n})`);
  assert.deepEqual(crowded, []);
});

test('no dead exports: every exported name is imported somewhere or is part of a public entry', () => {
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'dead-exports.mjs')], { encoding: 'utf8' });
  assert.equal(out.trim(), '');
});
