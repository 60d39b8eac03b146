// `serve`: its flags (the server's options and faults), help and examples; the body is imported only when it runs.
import { Option, type Command } from 'commander';
import type { WithOptions } from '../../with-options.js';
import { WORD_TIMESTAMP_VOICES } from '../../../core/settings.js';
import { LEGACY_HOST, LIVE_PATH, streamUrl, voicesUrl } from '../../../protocol/routes.js';
import { integer, port } from '../../flag-parsers.js';

/** The routes the server answers, spelled by the client's own URL builders (one spelling of each route). */
function routes() {
  const path = (url: string) => decodeURIComponent(new URL(url).pathname);
  const perModel = (base: string) => path(streamUrl(base, '{model}', { route: 'per-model' }));
  return {
    live: LIVE_PATH,
    wavesPerModel: perModel('ws://localhost'),
    apiPerModel: perModel(`wss://${LEGACY_HOST}`),
    voices: path(voicesUrl('ws://localhost')).replace(/^.*(\/[^/]+)$/, '…/{model}$1'),
  };
}

/** Built when help is shown, not at every start. */
function serveExamples(): string {
  const route = routes();
  return `
Examples:
  $ smallest-tts serve                                  # ws://127.0.0.1:8765, no key needed
  $ smallest-tts serve --port 9000 --api-key test-key
  $ smallest-tts serve --host 0.0.0.0 --api-key test-key   # reachable from the LAN: a key is required
  $ SMALLEST_BASE_URL=ws://127.0.0.1:8765 SMALLEST_API_KEY=x smallest-tts say "hi" -o hi.wav
  $ smallest-tts serve --first-chunk-delay 250 --realtime-factor 3   # behave like a far-away API
  $ smallest-tts serve --engine tone --max-active 1 --max-connections 5   # the account limits
  $ smallest-tts serve --engine tone --stall-after-chunks 2             # a server that goes silent
  $ smallest-tts serve --engine tone --close-with 4401:unauthorised     # a server that hangs up

Routes: ${route.live} (model in each request), ${route.wavesPerModel} and
${route.apiPerModel} (lightning-v3.1, lightning-v3.1-pro; lightning-v2 answers 410
unless --retire-model none), GET ${route.voices}. Continuations (context_id) release text one
sentence at a time, each release its own request_id and complete (a sentence under 30 characters
joins the next; at most 250 characters), on arrival of the sentence end, after max_buffer_delay_ms
(0: at once) or on continue: false; --release-mode fragment makes one release per fragment. Error
frames carry a flat message and error {message, code}. output_format: pcm, wav, mp3, ulaw, alaw.
Voices ${WORD_TIMESTAMP_VOICES.join(', ')} send word timestamps (both engines), from 0 in each
release.`;
}

export function addServeCommand(program: Command, withOptions: WithOptions): void {
  const command = program
    .command('serve')
    .description('run a local Waves-compatible server with the offline voice, for testing apps without a key')
    .addHelpText('after', serveExamples)
    .action(async (flags) => {
      const { runServe } = await import('./run-serve.js');
      await runServe(flags);
    });
  withOptions(command, (c) => {
    c
      .option('--host <host>', 'address to listen on (one other machines reach needs --api-key or --allow-anonymous)', '127.0.0.1')
      .option('--port <port>', 'port to listen on (0: any free port)', port, 8765)
      .option('--api-key <key>', 'require this key (Authorization: Bearer); without it any key is accepted')
      .option('--allow-anonymous', 'with a --host other than loopback: run without --api-key on purpose (anyone who reaches it may use it)')
      .option('--engine <name>', 'flite: the offline voice; tone: fast test tones, not speech', 'flite')
      .option('--idle-timeout <seconds>', 'close a connection idle this long (a client may ask for another with ?timeout=)', integer('--idle-timeout'), 60)
      .option('--chunk-bytes <n>', 'PCM bytes per chunk frame', integer('--chunk-bytes'), 4800)
      .option('--max-active <n>', 'account-wide active requests (a context counts once); over it: a concurrency_limit_exceeded error frame', integer('--max-active'))
      .option('--max-connections <n>', 'open sockets at most; over it an upgrade gets HTTP 429', integer('--max-connections'))
      .addOption(new Option('--handshake-timeout <ms>', 'close raw sockets that have not finished their HTTP request in this long').argParser(integer('--handshake-timeout')).default(10_000))
      .addOption(new Option('--retire-model <model...>', 'answer these models with HTTP 410, as the API does; "none" serves lightning-v2 (default: lightning-v2)'))
      .addOption(new Option('--first-chunk-delay <ms>', "fault: wait this long before each request's first chunk").argParser(integer('--first-chunk-delay')))
      .addOption(new Option('--realtime-factor <x>', 'fault: pace audio at this many times real time (0: as fast as possible)').argParser(Number))
      .addOption(new Option('--drop-after-chunks <n>', 'fault: drop the connection (no close frame) after this many chunks').argParser(integer('--drop-after-chunks')))
      .addOption(new Option('--drop-connections <n>', 'fault: how many connections --drop-after-chunks applies to').argParser(integer('--drop-connections')).default(1))
      .addOption(new Option('--stall-after-chunks <n>', 'fault: send this many chunks of a request (0: none), then nothing, never closing').argParser(integer('--stall-after-chunks')))
      .addOption(new Option('--close-with <code[:reason]>', 'fault: close the socket with this code and reason when a request arrives (e.g. 1008:policy, 4401:unauthorised)'))
      .addOption(new Option('--close-after-chunks <n>', 'fault: with --close-with, close after this many chunks instead').argParser(integer('--close-after-chunks')))
      .addOption(new Option('--refuse-voice <id...>', 'fault: answer these voices with a VOICE_NOT_FOUND error frame'))
      .option('--ignore-blank', 'fault: never answer a request whose text is blank (keepalives)')
      .option('--foreign-frames', "fault: before each chunk, send a junk chunk with another request's ids, which clients must drop")
      .addOption(new Option('--segment-delay <ms>', 'fault: wait this long before each continuation or flush segment').argParser(integer('--segment-delay')))
      .addOption(new Option('--release-mode <mode>', 'how a context releases text: sentence (one sentence per release, several complete per fragment, as the API is described) or fragment (fault: one release per fragment, a server that does not split)').choices(['sentence', 'fragment']).default('sentence'))
      .option('--close-after-complete', 'close the socket after each request, as the API specs describe')
      .option('--word-timestamps', 'fault: send word_timestamp frames for every request and voice, asked or not (unknown to older clients)')
      .option('-q, --quiet', 'no log lines');
  });
}
