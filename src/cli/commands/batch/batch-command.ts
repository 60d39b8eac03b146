// `batch`: its flags, help and examples; the body is imported only when it runs.
import { Option, type Command } from 'commander';
import type { WithOptions } from '../../with-options.js';
import { OUTPUT_FORMATS } from '../../../audio/formats.js';
import { applyConfig } from '../../config/apply-config.js';
import { integer } from '../../flag-parsers.js';
import { addConnectionOptions, addSettingsOptions } from '../../options.js';

const BATCH_EXAMPLES = `
Manifests: .txt (one item per non-blank line; ids 0001, 0002, …), .jsonl (one object per line:
text, and optional id, voice, model, language, speed, format), .csv (a header row with the same
columns). Every line is checked before anything is sent. Finished files are never requested again:
rerun after Ctrl-C or a crash to do what is left (--force redoes everything).

Examples:
  $ smallest-tts batch lines.txt --out-dir audio/ --offline
  $ smallest-tts batch book.jsonl --out-dir audio/ --concurrency 4 --json > report.json
  $ smallest-tts batch prompts.csv --out-dir audio/ --voice emily --format raw
  $ smallest-tts batch big.txt --out-dir audio/ --shard $((JOB_COMPLETION_INDEX+1))/8
  $ parallel smallest-tts batch big.txt --out-dir audio/ --shard {}/4 ::: 1 2 3 4
  $ cut -f2 data.tsv | smallest-tts batch - --out-dir audio/`;

export function addBatchCommand(program: Command, withOptions: WithOptions): void {
  const batch = program
    .command('batch')
    .description('speak every item of a manifest (.txt, .jsonl, .csv) into its own file: resumable, parallel, shardable')
    .argument('<manifest>', 'the manifest file (- for stdin)')
    .addHelpText('after', BATCH_EXAMPLES);
  withOptions(batch, (c) => {
    c
      .requiredOption('-d, --out-dir <dir>', 'folder for the outputs: {id}.wav (created if missing)')
      .addOption(new Option('--manifest-format <format>', 'txt, jsonl or csv (default: from the extension; txt for stdin)').choices(['txt', 'jsonl', 'csv']))
      .addOption(new Option('--format <format>', 'output format of every item (a manifest column may override it); ulaw and alaw are 8 kHz unless --sample-rate').choices([...OUTPUT_FORMATS]).default('wav'))
      .addOption(new Option('--subtitles [format]', 'also write {id}.srt (or vtt) where the voice gives word timings').choices(['srt', 'vtt']).preset('srt'))
      .option('-c, --concurrency <n>', 'requests at once, each on its own socket (at most --max-sockets)', integer('--concurrency'), 1)
      .option('--max-sockets <n>', 'sockets your account may open (the API allows 5)', integer('--max-sockets'))
      .option('--shard <K/N>', 'only the items whose 0-based index is K-1 modulo N (for parallel jobs)')
      .option('--force', 'redo items whose output file already exists')
      .option('--json', 'print a JSON report of every item on stdout at the end')
      .addOption(new Option('--retry-base-ms <ms>', 'first backoff delay after a concurrency-limit refusal').argParser(integer('--retry-base-ms')).hideHelp());
    addSettingsOptions(c);
    addConnectionOptions(c);
  });
  batch.action(async (manifest: string, _flags, command: Command) => {
    const origins = applyConfig(command);
    const { runBatchCommand } = await import('./run-batch.js');
    process.exitCode = await runBatchCommand(manifest, command.opts(), origins);
  });
}
