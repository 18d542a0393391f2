import { describe, expect, it } from 'vitest';
import { alertSettingsFrom } from '../src/alerts/settings.ts';

describe('ALERT_INTERVAL and ALERT_WEBHOOK_ALLOW_PRIVATE', () => {
  it('default to 15 s and refusing private addresses', () => {
    expect(alertSettingsFrom({})).toEqual({ intervalMs: 15_000, allowPrivate: false });
    expect(alertSettingsFrom({ ALERT_INTERVAL: '1m', ALERT_WEBHOOK_ALLOW_PRIVATE: '1' })).toEqual({
      intervalMs: 60_000,
      allowPrivate: true,
    });
  });

  it('refuse what cannot work, saying what to fix', () => {
    for (const ALERT_INTERVAL of ['0s', '2h', 'fast', '15']) {
      expect(alertSettingsFrom({ ALERT_INTERVAL })).toBeInstanceOf(Error);
    }
    const wrong = alertSettingsFrom({ ALERT_WEBHOOK_ALLOW_PRIVATE: 'yes' });
    expect(wrong).toBeInstanceOf(Error);
    expect((wrong as Error).message).toContain('ALERT_WEBHOOK_ALLOW_PRIVATE must be 1');
  });
});
