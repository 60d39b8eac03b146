// The public library API of smallest-tts: the client and its speech streams, settings, sinks,
// subtitles, the voice list and the errors. Test servers are at `smallest-tts/testing`.
export { WavesClient, type WavesClientOptions, type WavesClientEvents } from './pipeline/client.js';
export { SpeechStream, type SpeechEvent } from './waves/utterance/speech-stream.js';
export { DEFAULT_SETTINGS, validateSettings, type Settings, type SettingIssue } from './core/settings.js';
export { synthesizeToSink, type SynthesisStats, type SynthesizeOptions } from './pipeline/synthesize.js';
export { OutputClosedError, OutputWriteError, type AudioSink } from './audio/sink.js';
export { WavFileSink } from './audio/wav.js';
export { openFileSink, openStreamSink } from './audio/output.js';
export { formatFromPath, type OutputFormat } from './audio/formats.js';
export { SpeakerSink, probePlayback } from './audio/speaker.js';
export { buildCues, formatSubtitles, type Cue, type SubtitleFormat, type TimedWord } from './text/subtitles.js';
export { fetchVoices, type Voice } from './waves/voices.js';
export {
  SmallestTtsError, UsageError, AuthError, ModelRetiredError, ApiError, ConnectionError,
  PlaybackUnavailableError, InterruptedError,
} from './core/errors.js';
