// The flags of `say` (and of `voices --preview`, which speaks through the same steps).
import type { ConnectionFlags, SettingsFlags } from '../../options.js';
import type { OutputFlags } from '../../output/output-choice.js';

export interface SayFlags extends SettingsFlags, ConnectionFlags, OutputFlags {
  file?: string;
  json?: boolean;
  subtitles?: string;
  idleTimeout?: number;
  quiet?: boolean;
  verbose?: boolean;
  /** How the user named the voice, for messages (`voices --preview ID`); default --voice. */
  voiceArgument?: string;
}
