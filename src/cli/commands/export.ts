/**
 * `plaudit export responses`: streams the running server's CSV export to a file or stdout, with a
 * progress bar of rows against the server's X-Total-Count.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseArgs } from 'node:util';
import { apiTargetOf, type CliIo, count, errorMessageOf, networkErrorOf, UsageError } from '../api-client';
import { startProgressBar } from '../progress';

const USAGE = `Usage: plaudit export responses [options]

Writes responses as CSV (newest first) from the running Plaudit server.

Options:
  -o, --out <file>        write to this file (default: standard output)
      --survey <id>       only this survey (repeatable)
      --from <YYYY-MM-DD> from this day on (workspace time zone)
      --to <YYYY-MM-DD>   up to and including this day
      --category <c>      promoter, passive or detractor (repeatable)
      --attr <key=value>  only responses with this attribute value (repeatable)
      --attributes <a,b>  attribute columns to write (default: all present)
      --raw               no apostrophe before cells a spreadsheet would run as a formula
                          (use it when the file goes to a program, not a spreadsheet)
      --url <url>         server (default: PLAUDIT_URL or http://localhost:3000)
      --key <key>         API key (default: PLAUDIT_API_KEY)
  -h, --help              show this help

Exit codes: 0 ok, 1 the server refused or the transfer failed, 2 usage error.
`;

/** Counts CSV records as they pass: line ends outside quotes ("" inside quotes toggles twice). */
function recordCounter(onRecord: (records: number) => void): Transform {
  let quoted = false;
  let records = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === 0x22) quoted = !quoted;
        else if (byte === 0x0a && !quoted) records++;
      }
      onRecord(records);
      callback(null, chunk);
    },
  });
}

/** Runs `plaudit export` with the arguments after `export`; returns the exit code. */
export async function runExportCommand(args: string[], io: CliIo): Promise<number> {
  const fail = (message: string, code: number): number => {
    io.stderr.write(`plaudit export: ${message}\n`);
    return code;
  };
  let query: URLSearchParams;
  let out: string | undefined;
  let target: ReturnType<typeof apiTargetOf>;
  try {
    const { values, positionals } = parseArgs({
      args,
      options: {
        out: { type: 'string', short: 'o' },
        survey: { type: 'string', multiple: true },
        from: { type: 'string' },
        to: { type: 'string' },
        category: { type: 'string', multiple: true },
        attr: { type: 'string', multiple: true },
        attributes: { type: 'string' },
        raw: { type: 'boolean' },
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
    if (positionals.length !== 1 || positionals[0] !== 'responses') {
      throw new UsageError('expected: plaudit export responses');
    }
    query = new URLSearchParams();
    for (const survey of values.survey ?? []) query.append('survey_id', survey);
    for (const day of ['from', 'to'] as const) {
      const value = values[day];
      if (value === undefined) continue;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UsageError(`--${day} must be a day YYYY-MM-DD`);
      query.set(day, value);
    }
    for (const category of values.category ?? []) query.append('category', category);
    for (const pair of values.attr ?? []) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--attr ${JSON.stringify(pair)}: write key=value`);
      query.set(`attr.${pair.slice(0, at)}`, pair.slice(at + 1));
    }
    if (values.attributes !== undefined) query.set('attributes', values.attributes);
    if (values.raw) query.set('raw', 'true');
    out = values.out;
    target = apiTargetOf(values, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError)
      return fail(`${error.message}\n\n${USAGE}`, 2);
    throw error;
  }

  const url = `${target.url}/api/v1/responses/export${query.size ? `?${query}` : ''}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${target.key}` } });
  } catch (error) {
    return fail(networkErrorOf(error, target.url), 1);
  }
  if (!res.ok || !res.body) return fail(await errorMessageOf(res), 1);

  const total = Number(res.headers.get('x-total-count') ?? 0);
  const bar = startProgressBar(
    io.stderr,
    io.isTTY,
    total,
    'exporting {bar} {value}/{total} rows · {eta_formatted} left',
  );
  let rows = 0;
  const counter = recordCounter((records) => {
    rows = Math.max(0, records - 1); // the header is a record too
    bar.update(Math.min(rows, total));
  });
  try {
    const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    // Standard output stays open for whoever writes after us.
    if (out) await pipeline(source, counter, createWriteStream(out));
    else await pipeline(source, counter, io.stdout, { end: false });
  } catch (error) {
    bar.stop();
    if (out) await rm(out, { force: true });
    return fail(`the export broke off: ${(error as Error).message}`, 1);
  }
  bar.stop();
  io.stderr.write(`Exported ${count(rows)} responses${out ? ` to ${out}` : ''}.\n`);
  return 0;
}
