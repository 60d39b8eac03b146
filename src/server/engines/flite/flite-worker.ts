// The Flite worker process: reads jobs from the parent on fd 3, answers each with PCM and word timings.
//
// Run by FliteWorker (worker-client.ts) as `node flite-worker.js` with fd 3 a socket to the parent.
// One job at a time, in the order received. It leaves when the parent's end of fd 3 closes, so an
// orphaned worker never lingers.
import { Socket } from 'node:net';
import { encodeFrame, FrameDecoder } from './frames.js';
import { loadFliteModule, synthesizeSentence, type FliteJob } from './flite-run.js';

const channel = new Socket({ fd: 3, readable: true, writable: true });
const decoder = new FrameDecoder();
const module = loadFliteModule();
/** Present when started with --expose-gc: each job's WebAssembly memory (22 MB) is freed at once. */
const collect = (globalThis as { gc?: () => void }).gc;

channel.on('error', () => channel.destroy());
channel.on('end', () => channel.destroy());
channel.on('data', (chunk: Buffer) => {
  for (const { header } of decoder.push(chunk)) {
    const id = header.id;
    try {
      const { samples, words } = synthesizeSentence(module, header.job as FliteJob);
      channel.write(encodeFrame({ id, ok: true, words }, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)));
    } catch (error) {
      channel.write(encodeFrame({ id, ok: false, message: error instanceof Error ? error.message : String(error) }));
    }
    collect?.();
  }
});
channel.write(encodeFrame({ ready: true }));
