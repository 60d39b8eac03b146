// Servers for testing programs that use smallest-tts: a local Waves server with repeatable tones
// and injectable faults, and one that speaks with the offline voice.
export { startWavesServer, type WavesServer, type WavesServerOptions, type Faults, type RequestRecord, type ServerStats } from './server/waves-server.js';
export { ToneEngine } from './server/engines/tone-engine.js';
export type { SpeechEngine, SynthesisParams, VoiceInfo, EnginePiece, WordTiming } from './server/engines/engine.js';
export { startOfflineServer, type OfflineServer } from './server/offline.js';
