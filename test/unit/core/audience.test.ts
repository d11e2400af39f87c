import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AttributeFilter,
  type Audience,
  audienceIncludes,
  audienceToSql,
  type Condition,
  type FilterPart,
  matches,
  toSql,
  validateAudience,
  validateFilter,
} from '../../../src/core/audience';
import { formatFieldError } from '../../../src/core/validation';
import { createPgliteDatabase } from '../../../src/server/db/pglite-adapter';
import type { Database } from '../../../src/server/db/port';

function errorsOf(input: unknown): string[] {
  const result = validateAudience(input);
  return result.ok ? [] : result.errors.map(formatFieldError);
}

const PRO_IN_DACH: AttributeFilter = {
  all: [
    { attribute: 'plan', op: 'eq', value: 'pro' },
    { attribute: 'country', op: 'in', values: ['DE', 'AT', 'CH'] },
  ],
};

describe('validateAudience', () => {
  it('accepts everyone, a list of ids and filters', () => {
    expect(validateAudience({ everyone: true })).toEqual({ ok: true, value: { everyone: true } });
    expect(
      validateAudience({
        contact_ids: ['0B5E9C1A-1111-4222-8333-444455556666', '0b5e9c1a-1111-4222-8333-444455556666'],
      }),
    ).toEqual({ ok: true, value: { contact_ids: ['0b5e9c1a-1111-4222-8333-444455556666'] } });
    expect(validateAudience(PRO_IN_DACH)).toEqual({ ok: true, value: PRO_IN_DACH });
    const nested = {
      any: [
        { attribute: 'seats', op: 'gte', value: 50 },
        {
          all: [
            { attribute: 'customer_since', op: 'before', value: '2023-01-01' },
            { attribute: 'vip', op: 'exists' },
          ],
        },
      ],
    };
    expect(validateAudience(nested)).toEqual({ ok: true, value: nested });
  });

  it('names the exact field of an unknown operator', () => {
    expect(
      errorsOf({
        all: [
          { attribute: 'plan', op: 'eq', value: 'pro' },
          { attribute: 'name', op: 'like', value: 'A%' },
        ],
      }),
    ).toEqual(['audience.all.1.op: unknown operator "like"']);
  });

  it('names the field of every other problem', () => {
    expect(
      errorsOf({
        all: [
          { attribute: 'country', op: 'in', value: 'DE' },
          { attribute: '1plan', op: 'eq', value: 'pro' },
          { attribute: 'seats', op: 'gt', value: '50' },
          { attribute: 'since', op: 'after', value: '2023-02-29' },
          { attribute: 'plan', op: 'eq', value: null },
          { attribute: 'plan', op: 'not_in', values: ['a', { b: 1 }] },
          { attribute: 'plan', op: 'exists', value: true },
          { attribute: 'plan', op: 'neq', value: 'a\u0000b' },
          'plan = pro',
        ],
      }),
    ).toEqual([
      'audience.all.0.value: unknown field',
      'audience.all.0.values: must be a list of 1 to 500 values',
      'audience.all.1.attribute: must be an attribute name (letters, digits, _ . -, at most 64): "1plan"',
      'audience.all.2.value: must be a number or a day (YYYY-MM-DD): "50"',
      'audience.all.3.value: must be a day (YYYY-MM-DD): "2023-02-29"',
      'audience.all.4.value: must be a string, a finite number or a boolean: null',
      'audience.all.5.values.1: must be a string, a finite number or a boolean: {"b":1}',
      'audience.all.6.value: unknown field',
      'audience.all.7.value: contains a character that cannot be stored (NUL or a lone surrogate)',
      'audience.all.8: must be a condition { attribute, op, value } or a group { all } / { any }',
    ]);
  });

  it('refuses empty, ambiguous, too deep and too large audiences', () => {
    expect(errorsOf({})).toEqual(['audience: must have exactly one of everyone, contact_ids, all, any']);
    expect(errorsOf({ all: [], any: [] })).toEqual([
      'audience: must have exactly one of everyone, contact_ids, all, any',
    ]);
    expect(errorsOf({ filter: [] })).toEqual(['audience.filter: unknown field']);
    expect(errorsOf({ all: [] })).toEqual(['audience.all: must list 1 to 50 conditions']);
    expect(errorsOf({ everyone: false })).toEqual(['audience.everyone: must be true']);
    expect(errorsOf({ contact_ids: ['42'] })).toEqual([
      'audience.contact_ids.0: not a contact id (UUID): "42"',
    ]);
    expect(errorsOf({ contact_ids: [] })).toEqual([
      'audience.contact_ids: must be a list of 1 to 10000 contact ids',
    ]);
    const exists = { attribute: 'a', op: 'exists' };
    expect(errorsOf({ all: [{ any: [{ all: [{ any: [exists] }] }] }] })).toEqual([
      'audience.all.0.any.0.all.0: groups nest at most 3 deep',
    ]);
    expect(errorsOf({ all: [{ any: Array(30).fill(exists) }, { any: Array(30).fill(exists) }] })).toEqual([
      'audience: at most 50 conditions in all',
    ]);
    expect(validateFilter([exists], 'filter')).toEqual({
      ok: false,
      errors: [{ path: 'filter', message: 'must be an object with all or any' }],
    });
  });
});

describe('matches', () => {
  it('matches plan = pro and country in (DE, AT, CH)', () => {
    expect(matches(PRO_IN_DACH, { plan: 'pro', country: 'AT' })).toBe(true);
    expect(matches(PRO_IN_DACH, { plan: 'pro', country: 'FR' })).toBe(false);
    expect(matches(PRO_IN_DACH, { plan: 'free', country: 'DE' })).toBe(false);
    expect(matches(PRO_IN_DACH, { country: 'DE' })).toBe(false);
  });

  it('compares typed values: "42" is not 42', () => {
    const seats42: AttributeFilter = { all: [{ attribute: 'seats', op: 'eq', value: 42 }] };
    expect(matches(seats42, { seats: 42 })).toBe(true);
    expect(matches(seats42, { seats: '42' })).toBe(false);
    expect(matches({ all: [{ attribute: 'seats', op: 'gt', value: 10 }] }, { seats: '42' })).toBe(false);
    expect(matches({ all: [{ attribute: 'beta', op: 'eq', value: true }] }, { beta: 'true' })).toBe(false);
  });

  it('treats a missing or null attribute as not existing; neq and not_in include it', () => {
    const filter = (condition: Condition): AttributeFilter => ({ all: [condition] });
    for (const attributes of [{}, { plan: null }]) {
      expect(matches(filter({ attribute: 'plan', op: 'exists' }), attributes)).toBe(false);
      expect(matches(filter({ attribute: 'plan', op: 'not_exists' }), attributes)).toBe(true);
      expect(matches(filter({ attribute: 'plan', op: 'neq', value: 'pro' }), attributes)).toBe(true);
      expect(matches(filter({ attribute: 'plan', op: 'not_in', values: ['pro'] }), attributes)).toBe(true);
      expect(matches(filter({ attribute: 'plan', op: 'eq', value: 'pro' }), attributes)).toBe(false);
    }
    // an inherited property is not an attribute
    expect(matches(filter({ attribute: 'constructor', op: 'exists' }), {})).toBe(false);
  });

  it('compares numbers, and dates or timestamps by their day', () => {
    const seats = (op: 'gt' | 'gte' | 'lt' | 'lte') =>
      ({ all: [{ attribute: 'seats', op, value: 10 }] }) as AttributeFilter;
    expect([matches(seats('gt'), { seats: 10 }), matches(seats('gte'), { seats: 10 })]).toEqual([
      false,
      true,
    ]);
    expect([matches(seats('lt'), { seats: 9.5 }), matches(seats('lte'), { seats: 10.5 })]).toEqual([
      true,
      false,
    ]);
    const after: AttributeFilter = { all: [{ attribute: 'since', op: 'after', value: '2024-01-15' }] };
    expect(matches(after, { since: '2024-01-16' })).toBe(true);
    expect(matches(after, { since: '2024-01-15T23:59:59Z' })).toBe(false); // the same day
    expect(matches(after, { since: '2024-01-16 08:00' })).toBe(true);
    expect(matches(after, { since: '2024-01-16x' })).toBe(false); // not a date
    expect(matches(after, { since: 20240116 })).toBe(false);
    const gteDay: AttributeFilter = { all: [{ attribute: 'since', op: 'gte', value: '2024-01-15' }] };
    expect(matches(gteDay, { since: '2024-01-15T00:00:00Z' })).toBe(true);
    expect(
      matches({ all: [{ attribute: 'since', op: 'before', value: '2024-01-15' }] }, { since: '2023-12-31' }),
    ).toBe(true);
  });

  it('combines with all and any, nested', () => {
    const filter: AttributeFilter = {
      any: [
        { attribute: 'plan', op: 'eq', value: 'enterprise' },
        {
          all: [
            { attribute: 'plan', op: 'eq', value: 'pro' },
            { attribute: 'seats', op: 'gte', value: 50 },
          ],
        },
      ],
    };
    expect(matches(filter, { plan: 'enterprise' })).toBe(true);
    expect(matches(filter, { plan: 'pro', seats: 50 })).toBe(true);
    expect(matches(filter, { plan: 'pro', seats: 49 })).toBe(false);
  });

  it('includes contacts in an audience', () => {
    const id = '0b5e9c1a-1111-4222-8333-444455556666';
    expect(audienceIncludes({ everyone: true }, { id, attributes: {} })).toBe(true);
    expect(audienceIncludes({ contact_ids: [id] }, { id: id.toUpperCase(), attributes: {} })).toBe(true);
    expect(audienceIncludes({ contact_ids: [id] }, { id: id.replace('0b', '1b'), attributes: {} })).toBe(
      false,
    );
    expect(audienceIncludes(PRO_IN_DACH, { id, attributes: { plan: 'pro', country: 'CH' } })).toBe(true);
  });
});

describe('toSql', () => {
  it('keeps names and values out of the SQL text', () => {
    const { sql, params } = toSql(PRO_IN_DACH, 2);
    expect(sql).toBe(
      '(coalesce((contact.attributes -> $3::text) = $4::jsonb, false) AND ' +
        'coalesce($6::jsonb @> jsonb_build_array((contact.attributes -> $5::text)), false))',
    );
    expect(params).toEqual(['plan', '"pro"', 'country', '["DE","AT","CH"]']);
  });

  it('refuses invalid filters and columns', () => {
    expect(() => toSql({ all: [{ attribute: 'x', op: 'like' }] } as unknown as AttributeFilter, 0)).toThrow(
      'invalid filter: filter.all.0.op: unknown operator "like"',
    );
    expect(() => toSql(PRO_IN_DACH, 0, 'attributes; DROP TABLE contact')).toThrow(RangeError);
    expect(() => toSql(PRO_IN_DACH, -1)).toThrow(RangeError);
  });
});

describe('toSql on PostgreSQL (PGlite) agrees with matches', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createPgliteDatabase(undefined);
    await db.exec(
      'CREATE TABLE contact (id uuid PRIMARY KEY, n integer NOT NULL, attributes jsonb NOT NULL)',
    );
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  const NAMES = ['plan', 'country', 'seats', 'since', 'beta', 'constructor'];
  const STRINGS = [
    'pro',
    'free',
    'DE',
    'AT',
    '',
    '42',
    'Ünïcødé ✓',
    "'; DROP TABLE contact; --",
    '2024-01-15',
    '2024-01-15T10:00:00Z',
    '2023-12-31 23:59',
    '2024-02-29x',
    '1999-12-31',
  ];
  const NUMBERS = [-1, 0, -0, 1, 1.5, 10, 42, 1e21, 0.1 + 0.2, 0.3, -2.5e-7];
  const DAYS = ['2024-01-15', '2023-12-31', '2024-02-29', '1999-12-31', '2030-06-01'];

  const scalarArb = fc.oneof(
    fc.constantFrom(...STRINGS),
    fc.constantFrom(...NUMBERS),
    fc.boolean(),
    fc.string({ maxLength: 4 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  const attributesArb = fc.dictionary(
    fc.constantFrom(...NAMES),
    fc.oneof({ weight: 6, arbitrary: scalarArb }, { weight: 1, arbitrary: fc.constant(null) }),
  );
  const conditionArb: fc.Arbitrary<Condition> = fc.oneof(
    fc.record({ attribute: fc.constantFrom(...NAMES), op: fc.constantFrom('eq', 'neq'), value: scalarArb }),
    fc.record({
      attribute: fc.constantFrom(...NAMES),
      op: fc.constantFrom('in', 'not_in'),
      values: fc.array(scalarArb, { minLength: 1, maxLength: 4 }),
    }),
    fc.record({ attribute: fc.constantFrom(...NAMES), op: fc.constantFrom('exists', 'not_exists') }),
    fc.record({
      attribute: fc.constantFrom(...NAMES),
      op: fc.constantFrom('gt', 'gte', 'lt', 'lte'),
      value: fc.oneof(
        fc.constantFrom(...NUMBERS),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(...DAYS),
      ),
    }),
    fc.record({
      attribute: fc.constantFrom(...NAMES),
      op: fc.constantFrom('before', 'after'),
      value: fc.constantFrom(...DAYS),
    }),
  ) as fc.Arbitrary<Condition>;
  const { filter: filterArb } = fc.letrec<{ filter: AttributeFilter; part: FilterPart }>((tie) => ({
    filter: fc.oneof(
      fc.record({ all: fc.array(tie('part'), { minLength: 1, maxLength: 4 }) }),
      fc.record({ any: fc.array(tie('part'), { minLength: 1, maxLength: 4 }) }),
    ),
    part: fc.oneof({ depthSize: 'small', withCrossShrink: true }, conditionArb, tie('filter')),
  }));
  const validFilterArb = filterArb.filter((filter) => validateFilter(filter).ok);

  async function selected(sql: string, params: string[]): Promise<number[]> {
    const rows = await db.query<{ n: number }>(`SELECT n FROM contact WHERE ${sql} ORDER BY n`, params);
    return rows.map((row) => row.n);
  }

  it('selects exactly the contacts that match, on random filters and attributes', async () => {
    // cases where the filter split the contacts, so agreement was not trivially all or nothing
    let split = 0;
    await fc.assert(
      fc.asyncProperty(
        validFilterArb,
        fc.array(attributesArb, { minLength: 1, maxLength: 8 }),
        async (filter, contacts) => {
          await db.transaction(async (tx) => {
            await tx.query(
              `INSERT INTO contact (id, n, attributes)
             SELECT gen_random_uuid(), n::integer, a FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(a, n)`,
              [JSON.stringify(contacts)],
            );
            // a placeholder first, so the offset is exercised too
            const { sql, params } = toSql(filter, 1);
            const rows = await tx.query<{ n: number }>(
              `SELECT n FROM contact WHERE $1::boolean AND ${sql} ORDER BY n`,
              [true, ...params],
            );
            const expected = contacts.flatMap((attributes, i) =>
              matches(filter, attributes) ? [i + 1] : [],
            );
            expect(rows.map((row) => row.n)).toEqual(expected);
            if (expected.length > 0 && expected.length < contacts.length) split++;
            await tx.exec('DELETE FROM contact');
          });
        },
      ),
      { numRuns: 300 },
    );
    // Enough non-trivial cases (some but not all contacts selected) for the agreement to mean
    // something; about 60 of 300 are on average, so 25 leaves room for chance.
    expect(split).toBeGreaterThan(25);
  }, 60_000);

  it('compiles whole audiences: everyone, ids and filters', async () => {
    const ids = ['0b5e9c1a-1111-4222-8333-000000000001', '0b5e9c1a-1111-4222-8333-000000000002'];
    await db.query(
      `INSERT INTO contact (id, n, attributes) VALUES ($1, 1, '{"plan":"pro","country":"DE"}'), ($2, 2, '{"plan":"free"}')`,
      ids,
    );
    try {
      const run = (audience: Audience) => {
        const { sql, params } = audienceToSql(audience, 0);
        return selected(sql, params);
      };
      expect(await run({ everyone: true })).toEqual([1, 2]);
      expect(
        await run({ contact_ids: [ids[1]!.toUpperCase(), '0b5e9c1a-1111-4222-8333-999999999999'] }),
      ).toEqual([2]);
      expect(await run(PRO_IN_DACH)).toEqual([1]);
      expect(await run({ any: [{ attribute: 'plan', op: 'not_in', values: ['pro'] }] })).toEqual([2]);
    } finally {
      await db.exec('DELETE FROM contact');
    }
  });
});
