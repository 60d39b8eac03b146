// How a command's flags are added: at once (the whole tree, for the man page and completion), or at
// start-up only for the command commander dispatches to, so `--help` and every other command skip
// building flags they never show.
import type { Command } from 'commander';

export type WithOptions = (command: Command, addOptions: (command: Command) => void) => void;
