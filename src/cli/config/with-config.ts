// Before a command runs: its config-file values, as commander's 'config' value source.
import type { Command } from 'commander';

/** Config-file values enter as commander's 'config' source before the command runs. */
export async function withConfig(command: Command) {
  const { applyConfig } = await import('./apply-config.js');
  return applyConfig(command);
}
