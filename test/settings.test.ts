import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../src/core/errors.js';
import { exitCodeFor } from '../src/cli/hints.js';
import { DEFAULT_SETTINGS, assertValidSettings, formatIssues, mergeSettings, parseSettingValue, validateSettings, type Settings } from '../src/core/settings.js';

const base: Settings = { ...DEFAULT_SETTINGS };

describe('validateSettings', () => {
  const V31 = 'auto en hi mr kn ta bn gu te ml pa or es de fr it nl sv pt ru pl';
  const cases: { name: string; settings: Partial<Settings>; issues: string[] }[] = [
    { name: 'defaults', settings: {}, issues: [] },
    { name: 'v3.1 speed in range', settings: { speed: 2 }, issues: [] },
    { name: 'v3.1 speed above 2', settings: { speed: 2.5 }, issues: ['--speed must be between 0.5 and 2 on lightning_v3.1 (got 2.5)'] },
    { name: 'v3.1 speed below 0.5', settings: { speed: 0.3 }, issues: ['--speed must be between 0.5 and 2 on lightning_v3.1 (got 0.3)'] },
    { name: 'pro speed above 2', settings: { model: 'lightning_v3.1_pro', speed: 2.5 }, issues: ['--speed must be between 0.5 and 2 on lightning_v3.1_pro (got 2.5)'] },
    { name: 'v2 speed 0.3 allowed', settings: { model: 'lightning-v2', speed: 0.3 }, issues: [] },
    { name: 'v2 speed 5.1', settings: { model: 'lightning-v2', speed: 5.1 }, issues: ['--speed must be between 0.1 and 5 on lightning-v2 (got 5.1)'] },
    { name: 'consistency on v3.1', settings: { consistency: 0.5 }, issues: ['--consistency works only with model lightning-v2 (the model is lightning_v3.1)'] },
    { name: 'similarity on pro', settings: { model: 'lightning_v3.1_pro', similarity: 0 }, issues: ['--similarity works only with model lightning-v2 (the model is lightning_v3.1_pro)'] },
    { name: 'enhancement on v3.1', settings: { enhancement: 1 }, issues: ['--enhancement works only with model lightning-v2 (the model is lightning_v3.1)'] },
    { name: 'v2 fields on v2', settings: { model: 'lightning-v2', consistency: 1, similarity: 0, enhancement: 2 }, issues: [] },
    { name: 'v2 consistency out of range', settings: { model: 'lightning-v2', consistency: 1.5 }, issues: ['--consistency must be between 0 and 1 (got 1.5)'] },
    { name: 'v2 enhancement 3', settings: { model: 'lightning-v2', enhancement: 3 }, issues: ['--enhancement must be 0, 1 or 2 (got 3)'] },
    { name: 'unknown model', settings: { model: 'lightning-v9' }, issues: ['--model must be one of lightning_v3.1, lightning_v3.1_pro, lightning-v2 (got "lightning-v9")'] },
    { name: 'unknown language', settings: { language: 'xx' }, issues: [`--language must be one of ${V31} on lightning_v3.1 (got "xx")`] },
    { name: 'ja on v3.1 names the Pro model', settings: { language: 'ja' }, issues: [`--language must be one of ${V31} on lightning_v3.1 (got "ja"); lightning_v3.1_pro has it`] },
    { name: 'ja on pro', settings: { model: 'lightning_v3.1_pro', language: 'ja' }, issues: [] },
    { name: 'auto on both current models', settings: { model: 'lightning_v3.1_pro', language: 'auto' }, issues: [] },
    { name: 'he on no current model', settings: { model: 'lightning_v3.1_pro', language: 'he' }, issues: [`--language must be one of ${V31} el fi no ar zh id ja ko ms tr vi on lightning_v3.1_pro (got "he"); no current model has it`] },
    { name: 'he on v2', settings: { model: 'lightning-v2', language: 'he' }, issues: [] },
    { name: 'auto not on v2', settings: { model: 'lightning-v2', language: 'auto' }, issues: ['--language must be one of en hi mr kn ta bn gu de fr es it pl nl ru ar he on lightning-v2 (got "auto"); lightning_v3.1 and lightning_v3.1_pro have it'] },
    { name: 'number language checked like language', settings: { numberLanguage: 'ko' }, issues: [`--number-language must be one of ${V31} on lightning_v3.1 (got "ko"); lightning_v3.1_pro has it`] },
    { name: 'bad sample rate', settings: { sampleRate: 22050 }, issues: ['--sample-rate must be one of 8000, 16000, 24000, 44100 (got 22050)'] },
    { name: 'voice with spaces', settings: { voice: 'a b' }, issues: ['--voice must be a voice id such as sophia (got "a b")'] },
    { name: 'a speed given as text (a config file)', settings: { speed: '1.5' as unknown as number }, issues: ['--speed must be a number (got "1.5")'] },
    { name: 'math given as text', settings: { math: 'yes' as unknown as boolean }, issues: ['--math must be true or false (got "yes")'] },
    { name: 'two problems at once', settings: { speed: 9, consistency: 0.1 }, issues: ['--speed must be between 0.5 and 2 on lightning_v3.1 (got 9)', '--consistency works only with model lightning-v2 (the model is lightning_v3.1)'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const issues = validateSettings({ ...base, ...c.settings });
      assert.deepEqual(issues.map((i) => formatIssues([i], '--')), c.issues);
    });
  }

  test('assertValidSettings throws a UsageError with exit code 2 and the REPL prefix', () => {
    assert.throws(() => assertValidSettings({ ...base, enhancement: 1 }, '/'), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.equal(exitCodeFor(error), 2);
      assert.equal(error.code, 'invalid_settings');
      assert.match(error.message, /^\/enhancement works only with model lightning-v2/);
      return true;
    });
  });
});

describe('parseSettingValue', () => {
  test('numbers, whole numbers, switches, strings and model spellings', () => {
    assert.equal(parseSettingValue('speed', ' 1.25 '), 1.25);
    assert.equal(parseSettingValue('math', 'on'), true);
    assert.equal(parseSettingValue('wordTimestamps', 'false'), false);
    assert.equal(parseSettingValue('model', 'lightning-v3.1'), 'lightning_v3.1');
    assert.equal(parseSettingValue('model', 'lightning-v3.1-pro'), 'lightning_v3.1_pro');
    assert.equal(parseSettingValue('model', 'lightning_v3.1_pro'), 'lightning_v3.1_pro');
    assert.equal(parseSettingValue('sampleRate', '16000'), 16000);
    assert.equal(parseSettingValue('voice', 'emily'), 'emily');
  });
  for (const [key, raw, message] of [
    ['speed', 'fast', '--speed must be a number (got "fast")'],
    ['speed', '', '--speed must be a number (got "")'],
    ['sampleRate', '16000.5', '--sample-rate must be a whole number (got "16000.5")'],
    ['enhancement', '1.5', '--enhancement must be a whole number (got "1.5")'],
    ['voice', '  ', '--voice needs a value'],
    ['math', 'maybe', '--math must be on or off (got "maybe")'],
  ] as const) {
    test(`${key} ${JSON.stringify(raw)} is refused`, () => {
      assert.throws(() => parseSettingValue(key, raw, '--'), { message });
    });
  }

  test('without a prefix the message names the setting as the library does, with the key and the value as data', () => {
    assert.throws(() => parseSettingValue('sampleRate', '16000.5'), {
      message: 'sampleRate must be a whole number (got "16000.5")',
      code: 'bad_setting_value',
      data: { setting: 'sampleRate', value: '16000.5', problem: 'must be a whole number (got "16000.5")' },
    });
    assert.equal(formatIssues(validateSettings({ ...DEFAULT_SETTINGS, speed: 9 })), 'speed must be between 0.5 and 2 on lightning_v3.1 (got 9)');
  });
});

test('mergeSettings clears optional values and restores defaults for required ones', () => {
  const merged = mergeSettings({ ...base, voice: 'emily', speed: 1.5 }, { speed: undefined, voice: undefined, language: 'de' });
  assert.deepEqual(merged, { ...base, language: 'de' });
  assert.equal('speed' in merged, false);
});
