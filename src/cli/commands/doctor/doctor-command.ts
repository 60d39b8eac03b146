// `doctor`: its flags, help and examples; the body is imported only when it runs.
import { Option, type Command } from 'commander';
import type { WithOptions } from '../../with-options.js';
import { DEFAULT_SETTINGS } from '../../../core/settings.js';
import { applyConfig } from '../../config/apply-config.js';
import { integer, modelOption } from '../../flag-parsers.js';
import { addConnectionOptions } from '../../options.js';

const DOCTOR_EXAMPLES = `
Sends a one-shot request, one fragment of three sentences, a continuation of three fragments, a
word-timed request, a refused language, an unknown voice, two requests at once and an idle socket
(?timeout=1): about 10 seconds of audio, 30 seconds in all. Exit 0: every rule the client relies on
held; 1: one did not (or the key was refused), with what to report.

Examples:
  $ smallest-tts doctor
  $ smallest-tts doctor --trace doctor.jsonl          # send this file with a report: no key, no audio
  $ smallest-tts doctor --json | jq .summary
  $ smallest-tts doctor --offline                     # the local server, as a reference
  $ smallest-tts doctor --base-url ws://127.0.0.1:8765 --api-key x`;

export function addDoctorCommand(program: Command, withOptions: WithOptions): void {
  const doctor = program
    .command('doctor')
    .description('check your account and the service: a few seconds of audio, then what the service did against what the client relies on')
    .addHelpText('after', DOCTOR_EXAMPLES);
  withOptions(doctor, (c) => {
    c
      .addOption(modelOption())
      .option('-v, --voice <id>', `voice for the requests (default: ${DEFAULT_SETTINGS.voice}; word timings use liam, or meher on the pro model)`)
      .option('--json', 'the same as data on stdout')
      .addOption(new Option('--watch-ms <ms>', 'how long to watch for audio after each last complete (default: the drain cap + 500 ms)').argParser(integer('--watch-ms')).hideHelp());
    addConnectionOptions(c);
  });
  doctor.action(async (_flags, command: Command) => {
    applyConfig(command);
    const { runDoctor } = await import('./run-doctor.js');
    process.exitCode = await runDoctor(command.opts());
  });
}
