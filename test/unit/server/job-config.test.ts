import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/server/config';

describe('job worker settings from the environment', () => {
  it('defaults to 10 jobs at once, a 30 s lease and recovery every 5 s', () => {
    expect(loadConfig({}).jobs).toEqual({ concurrency: 10, leaseMs: 30_000, recoverEveryMs: 5_000 });
  });

  it('reads PLAUDIT_JOB_CONCURRENCY, PLAUDIT_JOB_LEASE_MS and PLAUDIT_JOB_RECOVER_MS', () => {
    const config = loadConfig({
      PLAUDIT_JOB_CONCURRENCY: '4',
      PLAUDIT_JOB_LEASE_MS: '3000',
      PLAUDIT_JOB_RECOVER_MS: '200',
    });
    expect(config.jobs).toEqual({ concurrency: 4, leaseMs: 3_000, recoverEveryMs: 200 });
    expect(Object.isFrozen(config.jobs)).toBe(true);
  });

  it('refuses a lease under a second, a concurrency of 0 and a non-number, naming the variable', () => {
    expect(() => loadConfig({ PLAUDIT_JOB_LEASE_MS: '500' })).toThrow(/PLAUDIT_JOB_LEASE_MS/);
    expect(() => loadConfig({ PLAUDIT_JOB_CONCURRENCY: '0' })).toThrow(/PLAUDIT_JOB_CONCURRENCY/);
    expect(() => loadConfig({ PLAUDIT_JOB_RECOVER_MS: 'soon' })).toThrow(ConfigError);
  });
});
