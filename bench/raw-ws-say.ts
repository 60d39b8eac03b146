// The floor for Node: connect with ws, send one request, decode the chunks, write a WAV. Nothing else.
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';

const [url, key, text, out] = process.argv.slice(2);
const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${key}` }, perMessageDeflate: false });
const parts: Buffer[] = [];
ws.on('open', () => ws.send(JSON.stringify({ text, voice_id: 'sophia', language: 'en', sample_rate: 24000, complete_backoff_ms: 0 })));
ws.on('message', (data) => {
  const frame = JSON.parse(String(data)) as { status: string; data?: { audio: string } };
  if (frame.status === 'chunk') {
    parts.push(Buffer.from(frame.data!.audio, 'base64'));
    return;
  }
  const pcm = Buffer.concat(parts);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(24000, 24);
  header.writeUInt32LE(48000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(pcm.length, 40);
  writeFileSync(out, Buffer.concat([header, pcm]));
  ws.close();
});
