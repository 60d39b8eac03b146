// G.711 companding against the reference values of ITU-T G.711 (Sun's g711.c), both ways.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alawToLinear, encodeG711, linearToAlaw, linearToUlaw, ulawToLinear } from '../src/audio/g711.js';

test('µ-law and A-law bytes for known samples: zero, ±1, 1000, the extremes', () => {
  const samples = [0, -1, 1, 1000, -1000, 32767, -32768];
  assert.deepEqual(samples.map(linearToUlaw), [0xff, 0x7f, 0xff, 0xce, 0x4e, 0x80, 0x00]);
  assert.deepEqual(samples.map(linearToAlaw), [0xd5, 0x55, 0xd5, 0xfa, 0x7a, 0xaa, 0x2a]);
  assert.deepEqual([0xce, 0x4e, 0x80, 0x00].map(ulawToLinear), [988, -988, 32124, -32124]);
  assert.deepEqual([0xfa, 0x7a, 0xaa, 0x2a, 0xd5].map(alawToLinear), [1008, -1008, 32256, -32256, 8]);
});

test('every 16-bit sample comes back within its step (1/16 of its size), every code byte maps onto itself', () => {
  for (let x = -32768; x < 32768; x++) {
    const tolerance = Math.max(Math.abs(x) / 16, 16);
    assert.ok(Math.abs(ulawToLinear(linearToUlaw(x)) - x) <= tolerance, `µ-law ${x}`);
    assert.ok(Math.abs(alawToLinear(linearToAlaw(x)) - x) <= tolerance, `A-law ${x}`);
  }
  for (let b = 0; b < 256; b++) {
    assert.equal(linearToAlaw(alawToLinear(b)), b);
    if (b !== 0x7f) assert.equal(linearToUlaw(ulawToLinear(b)), b); // 0x7f is µ-law's "-0", read back as 0xff
  }
});

test('encodeG711 takes s16le PCM, one byte per sample', () => {
  const pcm = Buffer.alloc(8);
  [0, 1000, -1000, 32767].forEach((s, i) => pcm.writeInt16LE(s, i * 2));
  assert.deepEqual([...encodeG711(pcm, 'ulaw')], [0xff, 0xce, 0x4e, 0x80]);
  assert.deepEqual([...encodeG711(pcm, 'alaw')], [0xd5, 0xfa, 0x7a, 0xaa]);
});
