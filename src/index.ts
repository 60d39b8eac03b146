// The public library API of smallest-tts: client, settings, sinks, text helpers, the local server, errors.
export { WavesClient, type WavesClientOptions, type WavesClientEvents } from './waves/client.js';
export { SpeechStream, type RequestTimings } from './waves/utterance/speech-stream.js';
export type { TraceEvent, Tracer } from './waves/trace.js';
export { buildRequest, decodeFrame, type Frame, type WavesRequest } from './protocol/messages.js';
export { DEFAULT_BASE_URL, streamUrl, voicesUrl, checkBaseUrl, isLoopbackHost } from './protocol/routes.js';
export {
  DEFAULT_SETTINGS, LANGUAGES, LANGUAGE_CODES, MODELS, SAMPLE_RATES, SETTING_KEYS, V2_ONLY_KEYS,
  assertValidSettings, formatIssues, mergeSettings, parseSettingValue, validateSettings,
  type Settings, type SettingIssue, type SettingKey,
} from './core/settings.js';
export { synthesizeToSink, type SynthesisStats, type SynthesizeOptions } from './pipeline/synthesize.js';
export { StreamSink, OutputClosedError, OutputWriteError, type AudioSink } from './audio/sink.js';
export { WavFileSink, WavStreamSink, wavHeader } from './audio/wav.js';
export { writeFileOutput as writeSubtitleFile } from './audio/byte-target.js';
export { openFileSink, openStreamSink, type CountingSink, type OutputOptions } from './audio/output.js';
export { OUTPUT_FORMATS, FORMAT_INFO, formatFromPath, parseFormat, type OutputFormat } from './audio/formats.js';
export { SpeakerSink, probePlayback, type PlaybackDevice } from './audio/speaker.js';
export { PlaybackClock } from './audio/playback-clock.js';
export { chunkText, TextChunker, type ChunkOptions } from './text/chunk.js';
export {
  buildCues, formatSrt, formatVtt, formatSubtitles, subtitleFormatFromPath,
  type Cue, type CueOptions, type SubtitleFormat,
} from './text/subtitles.js';
export { runBatch, type BatchOptions, type BatchResult } from './pipeline/batch/run.js';
export type { BatchItem } from './pipeline/batch/item.js';
export { readManifest, type Manifest, type ManifestItem } from './pipeline/batch/manifest.js';
export { manifestFormatFromPath, MANIFEST_FORMATS, type ManifestFormat } from './pipeline/batch/manifest-entries.js';
export { ITEM_FORMATS, type ItemFormat } from './pipeline/batch/item-sink.js';
export { parseShard, inShard, type Shard } from './pipeline/batch/shard.js';
export { startWavesServer, type WavesServer, type WavesServerOptions, type Faults, type RequestRecord, type ServerStats } from './server/waves-server.js';
export { ToneEngine, type SpeechEngine, type SynthesisParams, type VoiceInfo, type EnginePiece, type WordTiming } from './server/engine.js';
export { startOfflineServer, type OfflineServer } from './server/offline.js';
export { UtteranceQueue, type DeferredUtterance, type QueueAction, type UtteranceQueueOptions } from './pipeline/utterance-queue.js';
export { fetchVoices, filterVoices, parseVoices, type Voice, type VoiceFilter } from './waves/voices.js';
export {
  SmallestTtsError, UsageError, AuthError, ModelRetiredError, ApiError, ConnectionError,
  PlaybackUnavailableError, InterruptedError,
} from './core/errors.js';
