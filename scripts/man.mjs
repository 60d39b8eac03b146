// Writes the man page, smallest-tts.1, from the compiled commander program (the same one --help prints from).
import { readFileSync, writeFileSync } from 'node:fs';
import { manPage } from '../dist/src/cli/man-page.js';
import { buildProgram } from '../dist/src/cli/program.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
writeFileSync(new URL('../smallest-tts.1', import.meta.url), manPage(buildProgram(), { version }));
