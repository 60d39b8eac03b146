// `smallest-tts completion bash|zsh|fish`: completion scripts generated from the program itself.
import type { Command, Option } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { DEFAULT_SETTINGS, LANGUAGE_CODES, MODELS, MODEL_SPECS, SAMPLE_RATES } from '../../../core/settings.js';

interface Spec {
  name: string;
  flags: string[];
  options: Option[];
}

const VALUES: Record<string, string> = {
  '--model': MODELS.join(' '),
  '--route': 'live per-model',
  '--sample-rate': SAMPLE_RATES.join(' '),
  '--engine': 'flite tone',
};
const FILE_FLAGS = ['-f', '--file', '-o', '--output'];

function specs(program: Command): Spec[] {
  return program.commands
    .filter((c) => !c.name().startsWith('_'))
    .map((c) => {
      const options = c.options.filter((o) => !o.hidden);
      const flags = options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)));
      return { name: c.name(), flags: [...flags, '--help'], options };
    });
}

/** bash: the language codes of the model named earlier on the line (any spelling), else of the default model. */
function bashLanguages(): string {
  const cases = MODEL_SPECS.map((m) => `        ${[m.id, ...m.aliases].map((n) => `'${n}'`).join('|')}) codes="${m.languages.join(' ')}" ;;`).join('\n');
  const fallback = MODEL_SPECS.find((m) => m.id === DEFAULT_SETTINGS.model)!.languages.join(' ');
  return `    --language|--number-language)
      local model="" codes i
      for ((i=2; i<COMP_CWORD; i++)); do [[ "\${COMP_WORDS[i]}" == --model ]] && model="\${COMP_WORDS[i+1]}"; done
      case "$model" in
${cases}
        *) codes="${fallback}" ;;
      esac
      COMPREPLY=( $(compgen -W "$codes" -- "$cur") ); return ;;`;
}

function bash(program: Command): string {
  const commands = specs(program);
  const words: Record<string, string> = { config: 'set get unset list path', completion: 'bash zsh fish' };
  const cases = commands
    .map((c) => {
      const first = words[c.name] ? `if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=( $(compgen -W "${words[c.name]}" -- "$cur") ); return; fi; ` : '';
      return `    ${c.name}) ${first}opts="${c.flags.join(' ')}" ;;`;
    })
    .join('\n');
  const values = Object.entries(VALUES).map(([flag, list]) => `    ${flag}) COMPREPLY=( $(compgen -W "${list}" -- "$cur") ); return ;;`).join('\n');
  return `# bash completion for smallest-tts: source it, or save it in ~/.local/share/bash-completion/completions/smallest-tts
_smallest_tts() {
  local cur prev cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=( $(compgen -W "${commands.map((c) => c.name).join(' ')} --help --version" -- "$cur") )
    return
  fi
  cmd="\${COMP_WORDS[1]}"
  case "$prev" in
${values}
${bashLanguages()}
    -v|--voice) COMPREPLY=( $(compgen -W "$(smallest-tts __voices 2>/dev/null)" -- "$cur") ); return ;;
    ${FILE_FLAGS.join('|')}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
  esac
  case "$cmd" in
${cases}
    *) opts="--help" ;;
  esac
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -o default -F _smallest_tts smallest-tts
`;
}

function zsh(program: Command): string {
  return `#compdef smallest-tts
# zsh completion for smallest-tts: eval "$(smallest-tts completion zsh)" in ~/.zshrc
autoload -U +X bashcompinit && bashcompinit
${bash(program)}`;
}

function fish(program: Command): string {
  const lines = [
    '# fish completion for smallest-tts: smallest-tts completion fish > ~/.config/fish/completions/smallest-tts.fish',
    'complete -c smallest-tts -f',
  ];
  for (const c of specs(program)) {
    const description = program.commands.find((x) => x.name() === c.name)?.description().replace(/'/g, "\\'") ?? '';
    lines.push(`complete -c smallest-tts -n '__fish_use_subcommand' -a ${c.name} -d '${description}'`);
    for (const o of c.options) {
      if (!o.long) continue;
      const parts = [`complete -c smallest-tts -n '__fish_seen_subcommand_from ${c.name}' -l ${o.long.slice(2)}`];
      if (o.short) parts.push(`-s ${o.short.slice(1)}`);
      if (o.required || o.optional) parts.push('-r');
      if (VALUES[o.long]) parts.push(`-a '${VALUES[o.long]}'`);
      if (o.long === '--language' || o.long === '--number-language') parts.push(`-a '${LANGUAGE_CODES.join(' ')}'`);
      if (o.long === '--voice') parts.push("-a '(smallest-tts __voices 2>/dev/null)'");
      if (FILE_FLAGS.includes(o.long)) parts.push('-F');
      parts.push(`-d '${o.description.replace(/'/g, "\\'")}'`);
      lines.push(parts.join(' '));
    }
  }
  lines.push("complete -c smallest-tts -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'");
  lines.push("complete -c smallest-tts -n '__fish_seen_subcommand_from config' -a 'set get unset list path'");
  return `${lines.join('\n')}\n`;
}

export function completionScript(program: Command, shell: string): string {
  switch (shell) {
    case 'bash':
      return bash(program);
    case 'zsh':
      return zsh(program);
    case 'fish':
      return fish(program);
    default:
      throw new UsageError(`No completion for ${JSON.stringify(shell)}: choose bash, zsh or fish.`);
  }
}
