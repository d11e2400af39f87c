/**
 * The audience builder of the survey editor's distribution section: rows to the API's audience and
 * filter JSON and back, typed values, lists, where an API error field belongs, months and times.
 */
import { describe, expect, it } from 'vitest';
import {
  type BuilderState,
  builderTarget,
  describeAudience,
  everyone,
  formatScalar,
  fromAudience,
  localToIso,
  parseList,
  parseMonths,
  parseScalar,
  toAudience,
  toFilter,
} from '../../../src/dashboard/audience-builder';

const words = {
  everyone: 'everyone',
  and: 'and',
  or: 'or',
  contacts: (n: number) => `${n} contacts`,
  op: (op: string) => ({ eq: '=', neq: '≠', in: 'in', gt: '>', exists: 'exists' })[op] ?? op,
};

describe('audience builder', () => {
  it('turns everyone into { everyone: true } and no filter', () => {
    expect(toAudience(everyone())).toEqual({ everyone: true });
    expect(toFilter(everyone())).toBeNull();
  });

  it('turns rows into typed conditions combined with all or any', () => {
    const state: BuilderState = {
      mode: 'filter',
      combine: 'any',
      rows: [
        { attribute: ' plan ', op: 'eq', value: 'pro' },
        { attribute: 'country', op: 'in', value: 'DE, AT,CH' },
        { attribute: 'seats', op: 'gte', value: '12' },
        { attribute: 'customer_since', op: 'before', value: ' 2024-01-15 ' },
        { attribute: 'churned', op: 'not_exists', value: 'ignored' },
        { attribute: 'zip', op: 'eq', value: '"01234"' },
        { attribute: 'beta', op: 'neq', value: 'true' },
      ],
    };
    expect(toAudience(state)).toEqual({
      any: [
        { attribute: 'plan', op: 'eq', value: 'pro' },
        { attribute: 'country', op: 'in', values: ['DE', 'AT', 'CH'] },
        { attribute: 'seats', op: 'gte', value: 12 },
        { attribute: 'customer_since', op: 'before', value: '2024-01-15' },
        { attribute: 'churned', op: 'not_exists' },
        { attribute: 'zip', op: 'eq', value: '01234' },
        { attribute: 'beta', op: 'neq', value: true },
      ],
    });
    expect(toFilter({ ...state, combine: 'all', rows: [state.rows[2]!] })).toEqual({
      all: [{ attribute: 'seats', op: 'gte', value: 12 }],
    });
  });

  it('reads values: numbers, booleans, quoted text, lists with quoted commas', () => {
    expect(parseScalar('-3.5')).toBe(-3.5);
    expect(parseScalar('007')).toBe('007');
    expect(parseScalar('false')).toBe(false);
    expect(parseScalar('"12"')).toBe('12');
    expect(parseList('"Berlin, Mitte", 2, , x')).toEqual(['Berlin, Mitte', 2, 'x']);
    expect(formatScalar('12')).toBe('"12"');
    expect(formatScalar('pro')).toBe('pro');
    expect(formatScalar('a,b')).toBe('"a,b"');
    expect(formatScalar(12)).toBe('12');
    expect(formatScalar(true)).toBe('true');
  });

  it('reads the API audience back into rows (round trip)', () => {
    const audience = {
      all: [
        { attribute: 'plan', op: 'eq', value: 'pro' },
        { attribute: 'country', op: 'in', values: ['DE', 'AT'] },
        { attribute: 'seats', op: 'gt', value: 10 },
        { attribute: 'code', op: 'eq', value: '10' },
        { attribute: 'customer_since', op: 'after', value: '2024-01-01' },
        { attribute: 'email', op: 'exists' },
      ],
    };
    const state = fromAudience(audience)!;
    expect(state.mode).toBe('filter');
    expect(state.rows.map((r) => r.value)).toEqual(['pro', 'DE, AT', '10', '"10"', '2024-01-01', '']);
    expect(toAudience(state)).toEqual(audience);
    expect(fromAudience({ everyone: true })).toEqual(everyone());
    expect(fromAudience(null)).toEqual(everyone());
  });

  it('gives up on what the simple builder cannot show', () => {
    expect(fromAudience({ contact_ids: ['a'] })).toBeNull();
    expect(fromAudience({ all: [{ any: [{ attribute: 'a', op: 'exists' }] }] })).toBeNull();
    expect(fromAudience({ all: [{ attribute: 'a', op: 'like', value: 'x' }] })).toBeNull();
  });

  it('describes an audience in one line', () => {
    expect(describeAudience({ everyone: true }, words)).toBe('everyone');
    expect(describeAudience(null, words)).toBe('everyone');
    expect(describeAudience({ contact_ids: ['a', 'b'] }, words)).toBe('2 contacts');
    expect(
      describeAudience(
        {
          all: [
            { attribute: 'plan', op: 'eq', value: 'pro' },
            {
              any: [
                { attribute: 'country', op: 'in', values: ['DE', 'AT'] },
                { attribute: 'vip', op: 'exists' },
              ],
            },
          ],
        },
        words,
      ),
    ).toBe('plan = pro and (country in DE, AT or vip exists)');
  });

  it("places the API's error field in the builder", () => {
    expect(builderTarget('audience.all.1.value', 'audience')).toEqual({ row: 1, part: 'value' });
    expect(builderTarget('audience.any.0.values.2', 'audience')).toEqual({ row: 0, part: 'value' });
    expect(builderTarget('filter.all.3.op', 'filter')).toEqual({ row: 3, part: 'op' });
    expect(builderTarget('filter.all.0.attribute', 'filter')).toEqual({ row: 0, part: 'attribute' });
    expect(builderTarget('audience.all', 'audience')).toEqual({ row: null, part: null });
    expect(builderTarget('audience', 'audience')).toEqual({ row: null, part: null });
    expect(builderTarget('audiences.all.0.op', 'audience')).toBeNull();
    expect(builderTarget('send_at', 'audience')).toBeNull();
    expect(builderTarget(null, 'audience')).toBeNull();
  });

  it('reads months and send times, passing on what it cannot read', () => {
    expect(parseMonths('3, 6 12')).toEqual([3, 6, 12]);
    expect(parseMonths('3, x')).toEqual([3, 'x']);
    expect(parseMonths('')).toEqual([]);
    expect(localToIso('')).toBe('');
    expect(localToIso('soon')).toBe('soon');
    expect(localToIso('2026-12-01T09:00')).toBe(new Date(2026, 11, 1, 9, 0).toISOString());
  });
});
