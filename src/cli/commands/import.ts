/**
 * `plaudit import contacts|responses <file.csv>`: streams a CSV file to the running server's import
 * API (never read whole into memory) and prints what was imported and the rejected rows by line.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { delimiterFromName } from '../../csv/csv-records';
import { apiTargetOf, type CliIo, count, errorMessageOf, networkErrorOf, UsageError } from '../api-client';
import { startProgressBar } from '../progress';

const USAGE = `Usage: plaudit import contacts <file.csv> [options]
       plaudit import responses <file.csv> [--survey ID] [options]
       plaudit import delighted <file.csv> [--survey ID] [options]

Sends a CSV file (UTF-8, delimiter , ; or tab) to the running Plaudit server.

Options:
      --survey <id>       survey of every response (else the file needs a survey_id column;
                          delighted: default the oldest active survey)
      --partial           import the good rows even when some are rejected
                          (default: all or nothing)
      --dry-run           only check the file; write nothing
  -d, --delimiter <d>     , ; or tab (default: detected from the header line)
      --url <url>         server (default: PLAUDIT_URL or http://localhost:3000)
      --key <key>         API key (default: PLAUDIT_API_KEY)
  -h, --help              show this help

Exit codes: 0 ok, 1 rows rejected or the server refused the file, 2 usage error.
`;

interface ImportResult {
  rows_read: number;
  valid: number;
  skipped: number;
  imported: { inserted: number; updated: number; unchanged: number };
  error_count: number;
  errors: { line: number; field: string | null; code: string; message: string }[];
  committed: boolean;
  dry_run: boolean;
  mode: 'atomic' | 'partial';
}

function summaryOf(file: string, kind: string, r: ImportResult): string {
  const lines: string[] = [];
  const { inserted, updated, unchanged } = r.imported;
  const parts = [`${count(inserted)} new`];
  if (kind === 'contacts') parts.push(`${count(updated)} updated`);
  if (unchanged > 0 || kind !== 'contacts') parts.push(`${count(unchanged)} already imported`);
  lines.push(
    `${file}: ${count(r.rows_read)} rows read, ${count(r.valid)} valid, ${count(r.skipped)} rejected`,
  );
  if (r.dry_run) lines.push('Dry run: nothing was written.');
  else if (r.committed) lines.push(`Imported ${kind}: ${parts.join(', ')}.`);
  else lines.push('Nothing was written (all or nothing): fix the rows below, or use --partial.');
  for (const e of r.errors) lines.push(`  line ${e.line}${e.field ? ` (${e.field})` : ''}: ${e.message}`);
  if (r.error_count > r.errors.length) lines.push(`  … and ${count(r.error_count - r.errors.length)} more`);
  return `${lines.join('\n')}\n`;
}

/** Runs `plaudit import` with the arguments after `import`; returns the exit code. */
export async function runImportCommand(args: string[], io: CliIo): Promise<number> {
  const fail = (message: string, code: number): number => {
    io.stderr.write(`plaudit import: ${message}\n`);
    return code;
  };
  let kind: string;
  let file: string;
  let query: URLSearchParams;
  let target: ReturnType<typeof apiTargetOf>;
  try {
    const { values, positionals } = parseArgs({
      args,
      options: {
        survey: { type: 'string' },
        partial: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        delimiter: { type: 'string', short: 'd' },
        url: { type: 'string' },
        key: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length !== 2) throw new UsageError('expected what to import and one file');
    [kind, file] = positionals as [string, string];
    if (kind !== 'contacts' && kind !== 'responses' && kind !== 'delighted') {
      throw new UsageError(`cannot import ${JSON.stringify(kind)}: contacts, responses or delighted`);
    }
    if (kind === 'contacts' && values.survey) throw new UsageError('--survey is for responses');
    query = new URLSearchParams();
    if (values.survey) query.set('survey_id', values.survey);
    if (values.partial) query.set('mode', 'partial');
    if (values['dry-run']) query.set('dry_run', 'true');
    if (values.delimiter !== undefined) {
      const delimiter = delimiterFromName(values.delimiter);
      if (delimiter === null || ![',', ';', '\t'].includes(delimiter)) {
        throw new UsageError(`invalid --delimiter ${JSON.stringify(values.delimiter)}: use , ; or tab`);
      }
      query.set('delimiter', delimiter === '\t' ? 'tab' : delimiter);
    }
    target = apiTargetOf(values, io);
  } catch (error) {
    // parseArgs throws TypeErrors with a readable message for unknown or incomplete options.
    if (error instanceof UsageError || error instanceof TypeError)
      return fail(`${error.message}\n\n${USAGE}`, 2);
    throw error;
  }

  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return fail(`${file} is not a file`, 2);
    size = info.size;
  } catch (error) {
    return fail(`cannot read ${file}: ${(error as Error).message}`, 2);
  }

  const bar = startProgressBar(
    io.stderr,
    io.isTTY,
    size,
    'uploading {bar} {percentage}% · {eta_formatted} left',
  );
  let sent = 0;
  async function* upload(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      sent += (chunk as Buffer).length;
      bar.update(sent);
      yield chunk as Buffer;
    }
  }
  const url = `${target.url}/api/v1/imports/${kind}${query.size ? `?${query}` : ''}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.key}`, 'content-type': 'text/csv; charset=utf-8' },
      // Streamed: Node's fetch takes an async iterable body with duplex 'half'.
      body: upload() as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
  } catch (error) {
    bar.stop();
    return fail(networkErrorOf(error, target.url), 1);
  }
  bar.update(size);
  bar.stop();
  if (res.status !== 200 && res.status !== 422) return fail(await errorMessageOf(res), 1);
  // A refused atomic import (422) carries the error envelope and the row report together.
  const body = (await res.json()) as ImportResult | { error: { message: string }; errors?: undefined };
  if (body.errors === undefined) return fail(`${body.error.message} (HTTP ${res.status})`, 1);
  io.stdout.write(summaryOf(file, kind, body));
  return body.error_count > 0 ? 1 : 0;
}
