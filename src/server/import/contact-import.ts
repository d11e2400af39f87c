/**
 * Rows of a contacts CSV: contacts upserted by external_id or email, their accounts upserted by
 * account_external_id (else account_name); every other column is a contact attribute. Empty cells
 * leave stored values alone.
 */
import { z } from 'zod';
import type { Queryable } from '../db/port';
import { ApiError } from '../http/errors';
import { timeZoneSchema } from '../http/routes/workspace';
import { emailSchema, localeSchema } from '../http/schemas';
import { type AccountInput, upsertAccounts } from '../repo/accounts';
import {
  type Attributes,
  ContactConflictError,
  type ContactInput,
  normaliseEmail,
  upsertContacts,
} from '../repo/contacts';
import { type ImporterFactory, RowProblem, type WriteCounts } from './csv-import';
import { cellOf, mapHeader } from './header';

const COLUMNS = [
  'email',
  'external_id',
  'name',
  'locale',
  'time_zone',
  'account_external_id',
  'account_name',
  'account_revenue',
] as const;
type Column = (typeof COLUMNS)[number];

export interface ContactImportItem {
  line: number;
  contact: ContactInput;
  account: AccountInput | null;
}

function fail(field: string, message: string, code = 'invalid_value'): never {
  throw new RowProblem(field, code, `${field}: ${message}`);
}

function checked<T>(schema: z.ZodType<T>, field: string, value: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) fail(field, parsed.error.issues[0]!.message);
  return parsed.data;
}

const revenueSchema = z.coerce
  .number({ message: 'must be a number such as 120000 or 1234.50' })
  .finite('must be a number such as 120000 or 1234.50')
  .min(0, 'must not be negative')
  .max(1e15, 'is too large');

const identityOf = (c: ContactInput) =>
  c.external_id ? `x:${c.external_id}` : `e:${normaliseEmail(c.email ?? '')}`;

export function contactImporter(workspaceId: string): ImporterFactory<ContactImportItem> {
  return async (header) => {
    const { known, attributes } = mapHeader(header, COLUMNS);
    if (known.email === undefined && known.external_id === undefined) {
      throw new ApiError(
        400,
        'invalid_header',
        'The header needs an "email" or an "external_id" column',
        'email',
      );
    }
    return {
      parse(fields, line) {
        const get = (column: Column) => cellOf(fields, known[column]);
        const email = get('email');
        const externalId = get('external_id');
        if (!email && !externalId) fail('email', 'give an email or an external_id', 'required');
        const name = get('name');
        const locale = get('locale');
        const timeZone = get('time_zone');
        if (externalId.length > 200) fail('external_id', 'at most 200 characters');
        if (name.length > 300) fail('name', 'at most 300 characters');
        const contactAttributes: Attributes = {};
        for (const { name: key, index } of attributes) {
          const value = cellOf(fields, index);
          if (value === '') continue;
          if (value.length > 500) fail(key, 'at most 500 characters');
          contactAttributes[key] = value;
        }
        const contact: ContactInput = {
          email: email ? checked(emailSchema, 'email', email) : undefined,
          external_id: externalId || undefined,
          name: name || undefined,
          locale: locale ? checked(localeSchema, 'locale', locale) : undefined,
          time_zone: timeZone ? checked(timeZoneSchema, 'time_zone', timeZone) : undefined,
          attributes: contactAttributes,
        };

        const accountExternalId = get('account_external_id');
        const accountName = get('account_name');
        const revenue = get('account_revenue');
        if (accountExternalId.length > 200) fail('account_external_id', 'at most 200 characters');
        if (accountName.length > 300) fail('account_name', 'at most 300 characters');
        let account: AccountInput | null = null;
        if (accountExternalId || accountName) {
          account = {
            external_id: accountExternalId || undefined,
            name: accountName || undefined,
            revenue: revenue ? checked(revenueSchema, 'account_revenue', revenue) : undefined,
          };
        } else if (revenue) {
          fail('account_revenue', 'needs an account_external_id or account_name', 'required');
        }
        return { line, contact, account };
      },

      async write(tx: Queryable, items): Promise<WriteCounts> {
        const withAccount = items.filter((item) => item.account !== null);
        const accountIds = await upsertAccounts(
          tx,
          workspaceId,
          withAccount.map((item) => item.account!),
        );
        withAccount.forEach((item, i) => {
          item.contact.account_id = accountIds[i]!;
        });

        // Which contacts exist already, only to tell inserted from updated.
        const contacts = items.map((item) => item.contact);
        const existing = await tx.query<{ email: string | null; external_id: string | null }>(
          `SELECT email, external_id FROM contact
           WHERE workspace_id = $1 AND (external_id = ANY($2::text[]) OR email = ANY($3::text[]))`,
          [
            workspaceId,
            contacts.map((c) => c.external_id).filter((x): x is string => !!x),
            contacts.map((c) => (c.email ? normaliseEmail(c.email) : null)).filter((x): x is string => !!x),
          ],
        );
        const before = new Set<string>();
        for (const r of existing) {
          if (r.external_id) before.add(`x:${r.external_id}`);
          if (r.email) before.add(`e:${r.email}`);
        }
        let inserted = 0;
        for (const c of contacts) {
          const emailKey = c.email ? `e:${normaliseEmail(c.email)}` : '';
          const key = identityOf(c);
          if (before.has(key) || (emailKey && before.has(emailKey))) continue;
          inserted++;
          before.add(key);
          if (emailKey) before.add(emailKey);
        }

        for (let attempt = 1; ; attempt++) {
          try {
            await upsertContacts(tx, workspaceId, contacts);
            break;
          } catch (error) {
            if (!(error instanceof ContactConflictError) || attempt === 3) throw error;
          }
        }
        return { inserted, updated: items.length - inserted, unchanged: 0 };
      },
    };
  };
}
