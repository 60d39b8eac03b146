// Lists every exported name in src/ that no other file of src/, test/ or bench/ imports and that the
// public entries (src/index.ts, src/testing.ts) do not export: each should lose its `export`, or go.
// Re-exports count as uses only when the re-exported name is itself used. Run: node scripts/dead-exports.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const ENTRIES = ['src/index.ts', 'src/testing.ts'];

function sources(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

const files = ['src', 'test', 'bench'].flatMap(sources);
const parsed = new Map(files.map((f) => [f, ts.createSourceFile(f, readFileSync(join(ROOT, f), 'utf8'), ts.ScriptTarget.ES2022, true)]));
const target = (from, spec) => relative(ROOT, resolve(ROOT, dirname(from), spec)).replace(/\.js$/, '.ts');
const hasExport = (node) => ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** file → exported names declared there; file → re-exports [local name, source file, source name]. */
const declared = new Map();
const reexports = new Map();
/** [file, name] pairs imported somewhere; files whose every name counts as used (namespace or dynamic imports). */
const used = new Set();
const wholeModules = new Set();

for (const [file, source] of parsed) {
  const names = [];
  const forwards = [];
  const visit = (node) => {
    if (hasExport(node) && node.parent === source) {
      if (ts.isVariableStatement(node)) for (const d of node.declarationList.declarations) names.push(d.name.getText());
      else if (node.name) names.push(node.name.text);
    }
    if (ts.isExportDeclaration(node) && node.parent === source) {
      const from = node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('.') ? target(file, node.moduleSpecifier.text) : undefined;
      if (node.exportClause && ts.isNamedExports(node.exportClause)) {
        for (const e of node.exportClause.elements) {
          const inner = (e.propertyName ?? e.name).text;
          if (from) forwards.push([e.name.text, from, inner]);
          else names.push(e.name.text);
        }
      } else if (from) wholeModules.add(from);
    }
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('.')) {
      const from = target(file, node.moduleSpecifier.text);
      const clause = node.importClause;
      if (clause?.name) used.add(`${from}#default`);
      if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) wholeModules.add(from);
      if (clause?.namedBindings && ts.isNamedImports(clause.namedBindings)) {
        for (const e of clause.namedBindings.elements) used.add(`${from}#${(e.propertyName ?? e.name).text}`);
      }
    }
    // import('./x.js') in code or in a type: every name of x counts (what is read from it is not followed).
    const dynamic = (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) || (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && node.argument.literal);
    if (dynamic && ts.isStringLiteral(dynamic) && dynamic.text.startsWith('.')) wholeModules.add(target(file, dynamic.text));
    ts.forEachChild(node, visit);
  };
  visit(source);
  declared.set(file, names);
  reexports.set(file, forwards);
}

// Public entries use all they export; a used re-export uses its source, until nothing changes.
for (const entry of ENTRIES) {
  for (const [name] of reexports.get(entry) ?? []) used.add(`${entry}#${name}`);
  for (const name of declared.get(entry) ?? []) used.add(`${entry}#${name}`);
}
for (let changed = true; changed; ) {
  changed = false;
  for (const [file, forwards] of reexports) {
    for (const [name, from, inner] of forwards) {
      const key = `${from}#${inner}`;
      if ((used.has(`${file}#${name}`) || wholeModules.has(file)) && !used.has(key)) {
        used.add(key);
        changed = true;
      }
    }
  }
}

for (const [file, names] of declared) {
  if (!file.startsWith('src/') || wholeModules.has(file)) continue;
  const text = readFileSync(join(ROOT, file), 'utf8');
  const all = [...names, ...reexports.get(file).map(([name]) => name)];
  for (const name of all) {
    if (used.has(`${file}#${name}`)) continue;
    const local = (text.match(new RegExp(`\\b${name}\\b`, 'g')) ?? []).length > 1;
    console.log(`${file}: ${name}${local ? ' (used in its file: drop the export)' : ' (unused: drop it)'}`);
  }
}
