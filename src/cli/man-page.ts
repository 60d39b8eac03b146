// The man page, smallest-tts(1), written from the same commander program as --help, so the two cannot drift.
import type { EventEmitter } from 'node:events';
import type { Command, Help, Option } from 'commander';
import { rootHelp } from './help.js';

/**
 * Text as roff reads it: backslashes escaped, hyphens as \-, a leading dot or quote made literal, and
 * anything beyond ASCII (μ, ×, こんにちは) as \[uXXXX], which groff and mandoc read without preconv.
 */
export function roffText(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/[^\x00-\x7f]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`)
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

/** A command's text after its help (examples, notes), as --help prints it. */
function afterHelp(command: Command): string {
  let text = '';
  // commander's addHelpText('after', …) listens for this event; --help emits it the same way.
  (command as unknown as EventEmitter).emit('afterHelp', { error: false, command, write: (s: string) => (text += s) });
  return text.replace(/^\n+/, '').trimEnd();
}

/** Preformatted lines (examples), kept as --help shows them. */
function verbatim(text: string): string[] {
  return text ? ['.PP', '.nf', '.RS 4', roffText(text), '.RE', '.fi'] : [];
}

function optionItems(help: Help, options: readonly Option[]): string[] {
  return options.flatMap((option) => ['.TP', `.B ${roffText(help.optionTerm(option))}`, roffText(help.optionDescription(option))]);
}

function commandSection(help: Help, command: Command): string[] {
  const args = help.visibleArguments(command);
  const options = help.visibleOptions(command);
  return [
    `.SS ${roffText(`smallest-tts ${command.name()} ${help.commandUsage(command).replace(/^smallest-tts \S+ ?/, '')}`.trimEnd())}`,
    roffText(help.commandDescription(command)),
    ...(args.length > 0 ? ['.PP', 'Arguments:', ...args.flatMap((a) => ['.TP', `.I ${roffText(help.argumentTerm(a))}`, roffText(help.argumentDescription(a) || ' ')])] : []),
    ...(options.length > 0 ? ['.PP', 'Options:', ...optionItems(help, options)] : []),
    ...verbatim(afterHelp(command)),
  ];
}

interface ManPageOptions {
  version: string;
  /** Where the config file is, in words (the build machine's path would be wrong). */
  configFile?: string;
}

/** smallest-tts(1) in roff (man macros), from the program's commands, arguments, options and help texts. */
export function manPage(program: Command, options: ManPageOptions): string {
  const help = program.createHelp();
  const commands = help.visibleCommands(program).filter((c) => c.name() !== 'help');
  const configFile = options.configFile ?? '$XDG_CONFIG_HOME/smallest-tts/config.json (default ~/.config/smallest-tts/config.json)';
  const lines = [
    `.\\" Generated from the commander program (src/cli/man-page.ts) at build time; edit the help texts, not this file.`,
    `.TH SMALLEST\\-TTS 1 "" "smallest-tts ${roffText(options.version)}" "User Commands"`,
    '.SH NAME',
    `smallest\\-tts \\- ${roffText(program.description().replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase()))}`,
    '.SH SYNOPSIS',
    ...commands.map((c) => `.B smallest\\-tts ${roffText(c.name())}\n${roffText(help.commandUsage(c).replace(/^smallest-tts \S+ ?/, ''))}\n.br`),
    '.SH DESCRIPTION',
    roffText(program.description()),
    '.PP',
    'Commands:',
    ...commands.flatMap((c) => ['.TP', `.B ${roffText(c.name())}`, roffText(help.subcommandDescription(c))]),
    '.SH OPTIONS',
    ...optionItems(help, help.visibleOptions(program)),
    '.SH COMMANDS',
    ...commands.flatMap((c) => commandSection(help, c)),
    '.SH "EXAMPLES, ENVIRONMENT AND FILES"',
    ...verbatim(rootHelp(configFile).replace(/^\n+/, '')),
    '.SH "SEE ALSO"',
    'The README of the package (exit codes, the library, troubleshooting);',
    '.BR sox (1),',
    '.BR aplay (1).',
  ];
  return `${lines.join('\n')}\n`;
}
