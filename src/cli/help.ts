// The root help (examples, environment, config file) and commander's own errors in our style.
import { Help, type Command, type Option } from 'commander';
import { configPath } from './config/paths.js';
import { didYouMean, suggestFlag } from './suggest.js';

const ROOT_EXAMPLES = `
Examples:
  $ smallest-tts say --offline "Hello from the offline voice" -o hello.wav   # no key, no network
  $ smallest-tts say "Hello there" --voice emily                             # through the speakers
  $ smallest-tts say -f chapter.txt -o chapter.mp3 --voice liam --subtitles chapter.srt
  $ llm "tell me a story" | smallest-tts say                                 # speaks as the text arrives
  $ smallest-tts repl
  $ smallest-tts batch prompts.jsonl --out-dir out/
  $ smallest-tts voices --language en
  $ smallest-tts doctor --trace doctor.jsonl                                # check your account and the service

Environment:
  SMALLEST_API_KEY    the API key (an empty value counts as unset)
  SMALLEST_BASE_URL   the WebSocket base URL
  SMALLEST_PROFILE    a profile of the config file to use
  SMALLEST_ROUTE      live (the current API, default) or per-model (the older routes)
  NO_COLOR            no colours in what is printed
  HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY   a proxy for the socket and the voice list (either case)

Precedence: flags, then the environment, then the config file, then built-in defaults.
Config file: `;

/** The root help's closing text; `path` names the config file (this machine's, or a description for the man page). */
export function rootHelp(path = thisConfigPath()): string {
  return `${ROOT_EXAMPLES}${path}  (smallest-tts config --help)
No key yet? Try --offline: a local voice through a local server.
Run smallest-tts COMMAND --help for a command's flags.`;
}

function thisConfigPath(): string {
  try {
    return configPath();
  } catch {
    return '(unknown)';
  }
}

/**
 * Commander's messages, reworded where they repeat themselves: "option '--speed <x>' argument 'abc'
 * is invalid. must be a number (got "abc")" becomes "--speed must be a number (got "abc")".
 */
function rewordCommanderError(text: string, knownFlags: string[] = []): string {
  const unknown = /^error: unknown option '([^']+)'\n(?:\(Did you mean[^\n]*\)\n?)?/m.exec(text);
  if (unknown) {
    // Commander offers flags by spelling alone ("--rate": --math, --raw, --route); ours by meaning first.
    const meant = suggestFlag(unknown[1], knownFlags);
    return text.replace(unknown[0], `error: unknown option '${unknown[1]}'${meant ? ` (${meant})` : ''}\n`);
  }
  return text.replace(/^error: option '(-\w, )?(--[\w-]+)[^']*' argument '((?:[^']|'(?!\s+is invalid))*)' is invalid\. (.*)$/m, (_m, _short, flag: string, value: string, why: string) => {
    const choices = /^Allowed choices are (.*)\.$/.exec(why);
    if (choices) return `error: ${flag} must be one of ${choices[1]} (got ${JSON.stringify(value)}).${didYouMean(value, choices[1].split(', '))}`;
    return `error: ${flag} ${why.replace(/^--[\w-]+ /, '')}`;
  });
}

/** Commander's description, without "(preset: true)": `--math` alone means on, as the [on|off] says. */
function optionDescription(this: Help, option: Option): string {
  return Help.prototype.optionDescription.call(this, option)
    .replace(/ ?\(preset: true\)$/, '')
    .replace(/, preset: true(?=[,)])/, '')
    .replace(/\(preset: true, /, '(');
}

/**
 * Adds the root help text and routes commander's errors through rewordCommanderError, for the whole
 * tree. `optionsToCome`: a command whose flags are added only when it runs, still listed with [options].
 */
export function polishProgram(program: Command, optionsToCome: (command: Command) => boolean = () => false): Command {
  program.addHelpText('after', () => rootHelp());
  function subcommandTerm(this: Help, command: Command): string {
    const term = Help.prototype.subcommandTerm.call(this, command);
    return command.options.length === 0 && optionsToCome(command) ? term.replace(/^\S+/, '$& [options]') : term;
  }
  const apply = (command: Command) => {
    const flags = () => command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));
    command.configureOutput({ outputError: (text, write) => write(rewordCommanderError(text, flags())) });
    command.configureHelp(command === program ? { optionDescription, subcommandTerm } : { optionDescription });
    command.showHelpAfterError(`Run smallest-tts ${command.parent ? `${command.name()} ` : ''}--help for usage.`);
    command.commands.forEach(apply);
  };
  apply(program);
  return program;
}
