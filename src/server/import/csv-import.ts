/**
 * The CSV import engine shared by contacts and responses: streams the body through csv-parse,
 * validates each row, writes valid rows in batches while the next batch is parsed (at most one
 * batch in flight, so memory stays flat), and reports bad rows by their physical line number.
 *
 * atomic: everything in one transaction; any bad row rolls all of it back.
 * partial: each batch commits on its own; bad rows are skipped and reported.
 * dry run: validation only, nothing is written.
 */
import { CsvError } from 'csv-parse';
import { type CsvReader, type CsvRecord, openCsv } from '../../csv/csv-records';
import type { Database, Queryable } from '../db/port';
import { ApiError } from '../http/errors';
import { ContactConflictError } from '../repo/contacts';

export type ImportMode = 'atomic' | 'partial';

export interface RowError {
  line: number;
  field: string | null;
  code: string;
  message: string;
}

/** A row that cannot be imported; `field` names the column. */
export class RowProblem extends Error {
  constructor(
    readonly field: string | null,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  /** Rows already imported before (same id or content): not counted twice. */
  unchanged: number;
}

/** Turns rows of one CSV kind into writes; built from the header once per import. */
export interface RowImporter<Item extends { line: number }> {
  /** The item to write, or throws RowProblem. Lookups go through the import's connection. */
  parse(fields: readonly string[], line: number): Item | Promise<Item>;
  /**
   * Writes one batch; runs inside a transaction. `inOneTransaction`: every batch of the file shares
   * it and `finish` runs at its end (atomic mode), so work may be left to `finish`.
   */
  write(tx: Queryable, items: Item[], inOneTransaction: boolean): Promise<WriteCounts>;
  /** Completes an atomic import after its last batch, in its transaction. */
  finish?(tx: Queryable): Promise<void>;
}

export type ImporterFactory<Item extends { line: number }> = (
  header: readonly string[],
  db: Queryable,
) => Promise<RowImporter<Item>>;

export interface ImportOptions {
  mode: ImportMode;
  dryRun: boolean;
  delimiter?: string;
  /** Bytes accepted before the upload is refused with 413. */
  maxBytes: number;
  batchSize?: number;
}

export interface ImportResult {
  mode: ImportMode;
  dry_run: boolean;
  delimiter: string;
  /** Data rows read (header and blank lines not counted). */
  rows_read: number;
  /** Rows that passed validation. */
  valid: number;
  /** Rows not imported because of an error. */
  skipped: number;
  /** What was written (all zero unless committed). */
  imported: WriteCounts;
  error_count: number;
  /** The first 100 errors. */
  errors: RowError[];
  committed: boolean;
}

export const MAX_REPORTED_ERRORS = 100;
const DEFAULT_BATCH_SIZE = 5000;
/** Longest record in characters: an unclosed quote must not pull a gigabyte into one field. */
const MAX_RECORD_SIZE = 1 << 20;

/** Header cells as column names: trimmed, inner spaces as `_`. */
export function normaliseHeader(name: string): string {
  return name.trim().replace(/\s+/g, '_');
}

/** A constraint or data error of PostgreSQL (SQLSTATE class 22 or 23): caused by the data, not by us. */
function isDataError(error: unknown): boolean {
  if (error instanceof ContactConflictError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

class Rollback extends Error {}

async function* limited(body: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > maxBytes) {
      throw new ApiError(413, 'payload_too_large', `The request body is larger than ${maxBytes} bytes`);
    }
    yield chunk;
  }
}

/** Runs one import; header problems throw ApiError(400) before anything is written. */
export async function runCsvImport<Item extends { line: number }>(
  db: Database,
  body: AsyncIterable<Uint8Array>,
  factory: ImporterFactory<Item>,
  options: ImportOptions,
): Promise<ImportResult> {
  const reader = await openCsv(limited(body, options.maxBytes), {
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    maxRecordSize: MAX_RECORD_SIZE,
  });
  const records = reader.records[Symbol.asyncIterator]();
  try {
    return await importRecords(db, records, reader, factory, options);
  } finally {
    // Stops the parser and the upload when we leave early (a 413, a header error, a failure).
    await records.return?.(undefined);
  }
}

async function importRecords<Item extends { line: number }>(
  db: Database,
  records: AsyncIterator<CsvRecord>,
  reader: CsvReader,
  factory: ImporterFactory<Item>,
  options: ImportOptions,
): Promise<ImportResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let first: IteratorResult<CsvRecord>;
  try {
    first = await records.next();
  } catch (error) {
    if (error instanceof CsvError) {
      throw new ApiError(400, 'invalid_csv', `The header row is not valid CSV: ${error.message}`);
    }
    throw error;
  }
  if (first.done) {
    throw new ApiError(400, 'empty_file', 'The file is empty: a header row naming the columns is required');
  }
  const header = first.value.fields;

  const result: ImportResult = {
    mode: options.mode,
    dry_run: options.dryRun,
    delimiter: reader.delimiter,
    rows_read: 0,
    valid: 0,
    skipped: 0,
    imported: { inserted: 0, updated: 0, unchanged: 0 },
    error_count: 0,
    errors: [],
    committed: false,
  };
  const report = (error: RowError) => {
    result.error_count++;
    if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push(error);
  };
  const add = (counts: WriteCounts) => {
    result.imported.inserted += counts.inserted;
    result.imported.updated += counts.updated;
    result.imported.unchanged += counts.unchanged;
  };

  /** Reads every row; `writeBatch` (absent in a dry run) stores one batch. */
  const execute = async (
    lookup: Queryable,
    writeBatch: ((importer: RowImporter<Item>, items: Item[]) => Promise<void>) | null,
  ): Promise<RowImporter<Item>> => {
    // The batch being written while the next is parsed (a holder: closures assign it).
    const inflight: { write: Promise<void> | null } = { write: null };
    // A lookup while parsing shares the connection (and, atomic, the transaction) with the write in
    // flight: it waits for that write to settle, so it never lands between a refused statement and
    // the ROLLBACK TO SAVEPOINT that repairs the transaction.
    const settled: Queryable = {
      async query(sql, params) {
        await inflight.write?.catch(() => {});
        return lookup.query(sql, params);
      },
      async exec(sql) {
        await inflight.write?.catch(() => {});
        return lookup.exec(sql);
      },
    };
    const importer = await factory(header, settled);
    let batch: Item[] = [];
    // Atomic mode stops writing (and collecting) after the first error: it all rolls back anyway.
    const writing = () => writeBatch !== null && (options.mode === 'partial' || result.error_count === 0);
    const flush = async () => {
      if (inflight.write) await inflight.write;
      inflight.write = null;
      const items = batch;
      batch = [];
      if (items.length === 0 || !writing()) return;
      inflight.write = writeBatch!(importer, items);
      // Awaited before the next flush; this only keeps an early failure from being "unhandled".
      inflight.write.catch(() => {});
    };
    try {
      for (;;) {
        const next = await records.next();
        if (next.done) break;
        const { fields, line } = next.value;
        result.rows_read++;
        try {
          if (fields.length > header.length) {
            throw new RowProblem(
              null,
              'too_many_fields',
              `${fields.length} fields, but the header names ${header.length} columns`,
            );
          }
          const nul = fields.findIndex((field) => field.includes('\0'));
          if (nul !== -1) {
            // PostgreSQL text cannot hold U+0000: refuse the row here rather than lose its batch.
            const column = header[nul] ?? null;
            throw new RowProblem(
              column,
              'invalid_value',
              `${column ?? 'a field'}: contains the NUL character`,
            );
          }
          const item = await importer.parse(fields, line);
          result.valid++;
          if (writing()) {
            batch.push(item);
            if (batch.length >= batchSize) await flush();
          }
        } catch (error) {
          if (!(error instanceof RowProblem)) throw error;
          result.skipped++;
          report({ line, field: error.field, code: error.code, message: error.message });
        }
      }
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      // The rest of the file cannot be read: report where it broke and stop.
      result.skipped++;
      report({
        line: reader.nextLine(),
        field: null,
        code: 'invalid_csv',
        message: `Not valid CSV from here on: ${error.message}`,
      });
    } finally {
      // Let a write in flight settle before leaving (and before a transaction ends).
      await inflight.write?.catch(() => {});
    }
    await flush();
    await inflight.write;
    return importer;
  };

  if (options.dryRun) {
    await execute(db, null);
  } else if (options.mode === 'atomic') {
    try {
      await db.transaction(async (tx) => {
        const importer = await execute(tx, async (importer, items) => {
          // A savepoint keeps the transaction usable after a refused batch, so the remaining rows
          // are still validated and reported.
          await tx.query('SAVEPOINT import_batch');
          try {
            add(await importer.write(tx, items, true));
            await tx.query('RELEASE SAVEPOINT import_batch');
          } catch (error) {
            if (!isDataError(error)) throw error;
            await tx.query('ROLLBACK TO SAVEPOINT import_batch');
            result.skipped += items.length;
            result.valid -= items.length;
            report({
              line: items[0]!.line,
              field: null,
              code: 'rejected_by_database',
              message: `Lines ${items[0]!.line}-${items[items.length - 1]!.line} were refused: ${(error as Error).message}`,
            });
          }
        });
        if (result.error_count > 0) throw new Rollback();
        await importer.finish?.(tx);
      });
      result.committed = true;
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
    }
  } else {
    await execute(db, async (importer, items) => {
      try {
        add(await db.transaction((tx) => importer.write(tx, items, false)));
      } catch (error) {
        if (!isDataError(error)) throw error;
        // Find the rows the database refuses: one transaction each, the rest still commit.
        for (const item of items) {
          try {
            add(await db.transaction((tx) => importer.write(tx, [item], false)));
          } catch (rowError) {
            if (!isDataError(rowError)) throw rowError;
            result.valid--;
            result.skipped++;
            report({
              line: item.line,
              field: null,
              code: 'rejected_by_database',
              message: (rowError as Error).message,
            });
          }
        }
      }
    });
    result.committed = true;
  }
  if (!result.committed) result.imported = { inserted: 0, updated: 0, unchanged: 0 };
  return result;
}
