// Parsers for flag values: commander calls them and shows their InvalidArgumentError as a usage error.
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_SETTINGS, MODELS, canonicalModel, modelSpec } from '../core/settings.js';

/** A whole number of 0 or more, in decimal digits. */
export function integer(name: string) {
  return (raw: string): number => {
    const value = Number(raw);
    // Decimal digits only: Number() would also take 0x50, 1e3 or 0b1.
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value)) {
      throw new InvalidArgumentError(`${name} must be a whole number of 0 or more (got ${JSON.stringify(raw)})`);
    }
    return value;
  };
}

/** A model name in any spelling, as the model's id. */
function modelName(raw: string): string {
  const id = canonicalModel(raw);
  if (!modelSpec(id)) throw new InvalidArgumentError(`must be one of ${MODELS.join(', ')} (got ${JSON.stringify(raw)})`);
  return id;
}

/** `--model` for the commands that read a model's catalogue (voices, languages, doctor): any spelling, as the id. */
export function modelOption(): Option {
  return new Option('--model <name>', `model (default: ${DEFAULT_SETTINGS.model})`).argParser(modelName);
}

export function port(raw: string): number {
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || value > 65535) {
    throw new InvalidArgumentError(`--port must be 0–65535 (got ${JSON.stringify(raw)})`);
  }
  return value;
}
