import { describe, expect, it } from 'vitest';
import {
  CRM_PULL_EVERY_MS,
  crmValuesOf,
  externalIdOf,
  HUBSPOT_PROPERTY_NAMES,
  hubspotCompanyOf,
  hubspotContactOf,
  hubspotProperties,
  hubspotPropertyDefinitions,
  nextCrmRunAt,
  normaliseCrmEmail,
  PIPEDRIVE_FIELD_DEFINITIONS,
  pipedriveCustomFields,
  pipedriveOrganizationOf,
  pipedrivePersonOf,
  pullIsDue,
  retryAfterMs,
  SALESFORCE_COMMENT_MAX,
  SALESFORCE_FIELD_NAMES,
  salesforceAccountOf,
  salesforceContactOf,
  salesforceErrorCode,
  salesforceFieldProblems,
  salesforceFieldValues,
  soqlContactsByEmail,
  soqlString,
  tokenHint,
} from '../../../src/core/crm-mapping';

describe('crmValuesOf', () => {
  it('writes the score, its category, the trimmed comment and the day', () => {
    expect(crmValuesOf({ score: 10, comment: '  Great  ', day: '2026-06-01' })).toEqual({
      score: 10,
      category: 'promoter',
      comment: 'Great',
      date: '2026-06-01',
    });
    expect(crmValuesOf({ score: 8, comment: null, day: '2026-06-01' }).category).toBe('passive');
    expect(crmValuesOf({ score: 7, comment: null, day: '2026-06-01' }).category).toBe('passive');
    expect(crmValuesOf({ score: 6, comment: null, day: '2026-06-01' }).category).toBe('detractor');
    expect(crmValuesOf({ score: 0, comment: null, day: '2026-06-01' }).category).toBe('detractor');
    expect(crmValuesOf({ score: 9, comment: null, day: '2026-06-01' }).category).toBe('promoter');
  });

  it('clears the comment when the latest response has none (an older comment must not stay)', () => {
    expect(crmValuesOf({ score: 3, comment: '   ', day: '2026-06-01' }).comment).toBeNull();
    expect(
      hubspotProperties(crmValuesOf({ score: 3, comment: null, day: '2026-06-01' }), HUBSPOT_PROPERTY_NAMES),
    ).toEqual({
      plaudit_nps_score: '3',
      plaudit_nps_category: 'detractor',
      plaudit_nps_comment: '',
      plaudit_nps_date: '2026-06-01',
    });
  });

  it('cuts a very long comment to what the CRMs hold', () => {
    expect(crmValuesOf({ score: 3, comment: 'x'.repeat(70_000), day: '2026-06-01' }).comment).toHaveLength(
      65_000,
    );
  });

  it('refuses a score that is not 0-10', () => {
    expect(() => crmValuesOf({ score: 11, comment: null, day: '2026-06-01' })).toThrow(RangeError);
  });
});

describe('field definitions', () => {
  it('HubSpot: four contact properties with valid type/fieldType pairs, the category a select of the three', () => {
    const defs = hubspotPropertyDefinitions();
    expect(defs.map((d) => d.name)).toEqual(Object.values(HUBSPOT_PROPERTY_NAMES));
    expect(defs.map((d) => [d.type, d.fieldType])).toEqual([
      ['number', 'number'],
      ['enumeration', 'select'],
      ['string', 'textarea'],
      ['date', 'date'],
    ]);
    expect(defs[1]!.options!.map((o) => o.value)).toEqual(['promoter', 'passive', 'detractor']);
    for (const d of defs) expect(d.name).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('Pipedrive: custom fields are written under their hash keys, numbers as numbers, null clears', () => {
    const keys = {
      score: 'a'.repeat(40),
      category: 'b'.repeat(40),
      comment: 'c'.repeat(40),
      date: 'd'.repeat(40),
    };
    expect(pipedriveCustomFields(crmValuesOf({ score: 9, comment: null, day: '2026-05-31' }), keys)).toEqual({
      [keys.score]: 9,
      [keys.category]: 'promoter',
      [keys.comment]: null,
      [keys.date]: '2026-05-31',
    });
    expect(Object.values(PIPEDRIVE_FIELD_DEFINITIONS).map((d) => d.field_type)).toEqual([
      'double',
      'varchar',
      'text',
      'date',
    ]);
  });
});

describe('pulled records', () => {
  it('HubSpot contacts: email normalised, names joined, the primary company', () => {
    expect(
      hubspotContactOf({
        id: '51',
        properties: {
          email: ' Anna@Example.COM ',
          firstname: 'Anna',
          lastname: 'Berg',
          associatedcompanyid: '9',
        },
      }),
    ).toEqual({ id: '51', email: 'anna@example.com', name: 'Anna Berg', companyId: '9' });
    expect(
      hubspotContactOf({ id: '52', properties: { email: 'not an email', firstname: null, lastname: '' } }),
    ).toEqual({
      id: '52',
      email: null,
      name: null,
      companyId: null,
    });
    expect(hubspotContactOf({ properties: {} })).toBeNull();
    expect(hubspotContactOf(null)).toBeNull();
  });

  it('HubSpot companies: the name, else the domain', () => {
    expect(hubspotCompanyOf({ id: '9', properties: { name: 'Acme', domain: 'acme.example' } })).toEqual({
      id: '9',
      name: 'Acme',
    });
    expect(hubspotCompanyOf({ id: '10', properties: { name: '', domain: 'globex.example' } })?.name).toBe(
      'globex.example',
    );
  });

  it('Pipedrive persons: the primary email, else the first valid one; the organization', () => {
    expect(
      pipedrivePersonOf({
        id: 7,
        name: 'Frank Fischer',
        emails: [
          { value: 'old@example.com', primary: false },
          { value: 'Frank@Example.com', primary: true },
        ],
        org_id: 3,
      }),
    ).toEqual({ id: '7', email: 'frank@example.com', name: 'Frank Fischer', companyId: '3' });
    expect(
      pipedrivePersonOf({ id: 8, emails: [{ value: '', primary: true }, { value: 'b@example.com' }] })?.email,
    ).toBe('b@example.com');
    expect(pipedrivePersonOf({ id: 9, first_name: 'Ivo', last_name: 'Ilic', emails: null })).toEqual({
      id: '9',
      email: null,
      name: 'Ivo Ilic',
      companyId: null,
    });
    expect(pipedriveOrganizationOf({ id: 3, name: ' Umbrella AG ' })).toEqual({
      id: '3',
      name: 'Umbrella AG',
    });
  });

  it('external ids name the CRM', () => {
    expect(externalIdOf('hubspot', '123')).toBe('hubspot:123');
    expect(externalIdOf('pipedrive', '7')).toBe('pipedrive:7');
    expect(normaliseCrmEmail(42)).toBeNull();
  });
});

describe('timing', () => {
  const now = new Date('2026-06-01T10:02:30Z');

  it('Retry-After in seconds or as a date, else the fallback; at least a second', () => {
    expect(retryAfterMs('2', now, 10_000)).toBe(2000);
    expect(retryAfterMs('0', now, 10_000)).toBe(1000);
    expect(retryAfterMs(new Date(now.getTime() + 30_000).toUTCString(), now, 10_000)).toBe(30_000);
    expect(retryAfterMs(null, now, 10_000)).toBe(10_000);
    expect(retryAfterMs('soon', now, 5_000)).toBe(5_000);
  });

  it('runs every full 5 minutes and pulls hourly, at once when never pulled or asked for', () => {
    expect(nextCrmRunAt(now).toISOString()).toBe('2026-06-01T10:05:00.000Z');
    expect(nextCrmRunAt(new Date('2026-06-01T10:05:00Z')).toISOString()).toBe('2026-06-01T10:10:00.000Z');
    expect(pullIsDue(null, now)).toBe(true);
    expect(pullIsDue(new Date(now.getTime() - 5 * 60_000), now)).toBe(false);
    expect(pullIsDue(new Date(now.getTime() - 5 * 60_000), now, true)).toBe(true);
    expect(pullIsDue(new Date(now.getTime() - CRM_PULL_EVERY_MS), now)).toBe(true);
  });

  it('shows only the last four characters of a token', () => {
    expect(tokenHint('pat-na1-abcd1234')).toBe('…1234');
  });
});

describe('Salesforce mapping', () => {
  const ok = [
    { name: 'Plaudit_NPS_Score__c', type: 'double', updateable: true, length: 0 },
    { name: 'Plaudit_NPS_Category__c', type: 'picklist', updateable: true, length: 255 },
    { name: 'Plaudit_NPS_Comment__c', type: 'textarea', updateable: true, length: 32_768 },
    { name: 'Plaudit_NPS_Date__c', type: 'date', updateable: true, length: 0 },
  ];

  it('accepts the four fields as the docs ask for them, also a Text category', () => {
    expect(salesforceFieldProblems(ok)).toBeNull();
    expect(
      salesforceFieldProblems(
        ok.map((f) => (f.type === 'picklist' ? { ...f, type: 'string', length: 20 } : f)),
      ),
    ).toBeNull();
  });

  it('names the missing fields with the types an admin must create', () => {
    const problem = salesforceFieldProblems(ok.slice(0, 2));
    expect(problem).toContain('an admin must create them');
    expect(problem).toContain('Plaudit_NPS_Comment__c (Long Text Area(32768))');
    expect(problem).toContain('Plaudit_NPS_Date__c (Date)');
    expect(problem).not.toContain('Plaudit_NPS_Score__c');
  });

  it('names fields of the wrong type, too short, or not editable by the integration user', () => {
    const problem = salesforceFieldProblems([
      { ...ok[0]!, type: 'string' },
      { ...ok[1]!, updateable: false },
      { ...ok[2]!, length: 255 },
      ok[3]!,
    ]);
    expect(problem).toContain('Plaudit_NPS_Score__c is string, must be Number(2, 0)');
    expect(problem).toContain('Plaudit_NPS_Comment__c is textarea(255), must be Long Text Area(32768)');
    expect(problem).toContain('may not edit Plaudit_NPS_Category__c');
  });

  it('writes numbers as numbers, clears an empty comment with null and cuts long ones', () => {
    expect(
      salesforceFieldValues(
        { score: 9, category: 'promoter', comment: null, date: '2026-06-01' },
        SALESFORCE_FIELD_NAMES,
      ),
    ).toEqual({
      Plaudit_NPS_Score__c: 9,
      Plaudit_NPS_Category__c: 'promoter',
      Plaudit_NPS_Comment__c: null,
      Plaudit_NPS_Date__c: '2026-06-01',
    });
    const long = salesforceFieldValues(
      { score: 1, category: 'detractor', comment: 'x'.repeat(40_000), date: '2026-06-01' },
      SALESFORCE_FIELD_NAMES,
    );
    expect(String(long.Plaudit_NPS_Comment__c).length).toBe(SALESFORCE_COMMENT_MAX);
  });

  it('escapes SOQL string literals (quotes, backslashes, line breaks)', () => {
    expect(soqlString("o'brien@example.com")).toBe("'o\\'brien@example.com'");
    expect(soqlString('a\\b')).toBe("'a\\\\b'");
    expect(soqlString("x' OR Email != '")).toBe("'x\\' OR Email != \\''");
    expect(soqlString('a\nb')).toBe("'a\\nb'");
  });

  it('splits email look-ups into queries below the length limit, without duplicates', () => {
    expect(soqlContactsByEmail(['a@x.io', 'a@x.io', "b'c@x.io"])).toEqual([
      "SELECT Id, Email FROM Contact WHERE Email IN ('a@x.io', 'b\\'c@x.io') ORDER BY Id",
    ]);
    const emails = Array.from({ length: 200 }, (_, i) => `person-${i}@example.com`);
    const queries = soqlContactsByEmail(emails, 1_000);
    expect(queries.length).toBeGreaterThan(1);
    for (const q of queries) expect(q.length).toBeLessThanOrEqual(1_000);
    expect(queries.join(' ').match(/@example\.com/g)).toHaveLength(200);
    expect(soqlContactsByEmail([])).toEqual([]);
  });

  it('reads Contacts and Accounts of a query', () => {
    expect(
      salesforceContactOf({
        attributes: { type: 'Contact' },
        Id: '003FAKE00000001AAA',
        Email: ' Alice@Example.com ',
        FirstName: 'Alice',
        LastName: 'Adams',
        AccountId: '001FAKE00000001AAA',
      }),
    ).toEqual({
      id: '003FAKE00000001AAA',
      email: 'alice@example.com',
      name: 'Alice Adams',
      companyId: '001FAKE00000001AAA',
    });
    expect(
      salesforceContactOf({
        Id: '003X',
        Email: 'not an email',
        FirstName: null,
        LastName: 'Solo',
        AccountId: null,
      }),
    ).toEqual({
      id: '003X',
      email: null,
      name: 'Solo',
      companyId: null,
    });
    expect(salesforceContactOf({ Email: 'a@b.io' })).toBeNull();
    expect(salesforceAccountOf({ Id: '001X', Name: ' Acme ' })).toEqual({ id: '001X', name: 'Acme' });
    expect(salesforceAccountOf(null)).toBeNull();
  });

  it('reads the error code of REST and OAuth error bodies', () => {
    expect(
      salesforceErrorCode([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]),
    ).toBe('INVALID_SESSION_ID');
    expect(
      salesforceErrorCode({ error: 'invalid_client', error_description: 'invalid client credentials' }),
    ).toBe('invalid_client');
    expect(salesforceErrorCode('oops')).toBeNull();
    expect(salesforceErrorCode([])).toBeNull();
  });

  it('knows Salesforce as a provider, with salesforce:<Id> external ids', () => {
    expect(externalIdOf('salesforce', '003FAKE00000001AAA')).toBe('salesforce:003FAKE00000001AAA');
  });
});
