import { describe, expect, it } from 'vitest';
import { attributeRollupParts } from '../../../src/server/repo/metrics';

describe('attributeRollupParts', () => {
  it('reads whole months monthly and the edges daily', () => {
    expect(attributeRollupParts('2024-06-18', '2026-06-17')).toEqual([
      { table: 'daily', from: '2024-06-18', to: '2024-06-30' },
      { table: 'monthly', from: '2024-07-01', to: '2026-05-01' },
      { table: 'daily', from: '2026-06-01', to: '2026-06-17' },
    ]);
  });

  it('needs no edge when the range starts on a first and ends on a last day', () => {
    expect(attributeRollupParts('2024-01-01', '2024-02-29')).toEqual([
      { table: 'monthly', from: '2024-01-01', to: '2024-02-01' },
    ]);
  });

  it('leaves open bounds open', () => {
    expect(attributeRollupParts(undefined, undefined)).toEqual([{ table: 'monthly' }]);
    expect(attributeRollupParts('2025-12-31', undefined)).toEqual([
      { table: 'daily', from: '2025-12-31', to: '2025-12-31' },
      { table: 'monthly', from: '2026-01-01', to: undefined },
    ]);
    expect(attributeRollupParts(undefined, '2026-03-30')).toEqual([
      { table: 'monthly', from: undefined, to: '2026-02-01' },
      { table: 'daily', from: '2026-03-01', to: '2026-03-30' },
    ]);
  });

  it('reads a range without a whole month from the daily rollup alone', () => {
    expect(attributeRollupParts('2026-02-10', '2026-03-20')).toEqual([
      { table: 'daily', from: '2026-02-10', to: '2026-03-20' },
    ]);
    expect(attributeRollupParts('2026-03-02', '2026-03-01')).toEqual([
      { table: 'daily', from: '2026-03-02', to: '2026-03-01' },
    ]);
  });
});
