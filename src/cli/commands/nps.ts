/**
 * `plaudit nps <file|->`: the NPS of a CSV column with its margin of error, offline.
 *
 * Streams the file through csv-parse and keeps only an 11-count distribution, so memory stays flat
 * however many rows there are; the statistics are the engine's (`summarize`), not a copy.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { CsvError } from 'csv-parse';
import { emptyDistribution } from '../../core/nps';
import { type NpsSummary, SMALL_SAMPLE_THRESHOLD, summarize } from '../../core/stats';
import { type CsvRecord, delimiterFromName, openCsv, parseScore } from '../../csv/csv-records';

/** Options of `computeNpsOfCsv`. */
export interface NpsCsvOptions {
  /** Header name (case-insensitive) or 1-based index; default: detected (see `computeNpsOfCsv`). */
  column?: string;
  /** Field delimiter; default: detected from the header line among `,` `;` and tab. */
  delimiter?: string;
}

/** What a CSV column holds, as far as the NPS is concerned. */
export interface NpsCsvResult {
  summary: NpsSummary;
  /** Header of the column used. */
  column: string;
  /** The delimiter used (given or detected). */
  delimiter: string;
  /** Data rows read (header and empty lines not counted); rows − n − invalid were blank. */
  rows: number;
  /** Values that are not an integer 0-10. */
  invalid: number;
  /** The first invalid values with their 1-based line numbers in the file (header = line 1). */
  invalidSamples: { line: number; value: string }[];
}

/** Why a CSV could not be read as asked; the CLI reports it as a usage error (exit 2). */
export class NpsCsvError extends Error {
  override readonly name = 'NpsCsvError';
  constructor(
    message: string,
    readonly code: 'no-header' | 'unknown-column' | 'no-score-column' | 'bad-csv',
  ) {
    super(message);
  }
}

/** Header names taken as the score column without looking at the values (compared lower-case). */
const SCORE_HEADERS = new Set(['score', 'nps', 'rating', 'bewertung', 'punkte', 'wert']);
/** Rows looked at to find a score column by its values; bounded, so memory stays constant. */
const SNIFF_ROWS = 100;
const MAX_INVALID_SAMPLES = 10;
function describeHeaders(header: readonly string[]): string {
  return header.map((name, i) => `${i + 1}: ${name === '' ? '(empty)' : JSON.stringify(name)}`).join(', ');
}

/** Index of the column named or numbered by `column`, or of a header with a score-like name; -1: none. */
function resolveColumn(header: readonly string[], column: string | undefined): number {
  if (column === undefined) return header.findIndex((name) => SCORE_HEADERS.has(name.toLowerCase()));
  const wanted = column.trim().toLowerCase();
  // A name wins over an index, so a column literally called "2" is still reachable by name.
  const byName = header.findIndex((name) => name.toLowerCase() === wanted);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(wanted)) {
    const index = Number(wanted);
    if (index >= 1 && index <= header.length) return index - 1;
    throw new NpsCsvError(
      `column ${index} is out of range: the header has ${header.length} column(s): ${describeHeaders(header)}`,
      'unknown-column',
    );
  }
  throw new NpsCsvError(
    `unknown column ${JSON.stringify(column)}; available: ${describeHeaders(header)}`,
    'unknown-column',
  );
}

type ParsedRow = CsvRecord;

/** The first column whose non-empty values in `rows` are all scores (and that has some). */
function sniffScoreColumn(header: readonly string[], rows: readonly ParsedRow[]): number {
  const width = Math.max(header.length, ...rows.map((row) => row.fields.length));
  for (let column = 0; column < width; column++) {
    let seen = 0;
    let allScores = true;
    for (const row of rows) {
      const value = row.fields[column]?.trim() ?? '';
      if (value === '') continue;
      seen++;
      if (parseScore(value) === null) {
        allScores = false;
        break;
      }
    }
    if (seen > 0 && allScores) return column;
  }
  throw new NpsCsvError(
    `no score column found (no header named ${[...SCORE_HEADERS].join('/')}, and no column of integers ` +
      `0-10); choose one with --column. Available: ${describeHeaders(header)}`,
    'no-score-column',
  );
}

function byteLengthOf(chunk: string | Buffer): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
}

/**
 * Reads a CSV with a header row and summarises the NPS of one column, streaming.
 *
 * Column, unless `options.column` names one: the first header called score, nps, rating, bewertung,
 * punkte or wert (any case), else the first column whose non-empty values in the first 100 rows are
 * all integers 0-10. Blank values are skipped; anything else that is not an integer 0-10 counts as
 * invalid. `onProgress` receives the bytes read so far.
 * @throws NpsCsvError when there is no header, the column is unknown or not found, or the CSV is malformed.
 */
export async function computeNpsOfCsv(
  input: NodeJS.ReadableStream,
  options: NpsCsvOptions,
  onProgress?: (bytes: number) => void,
): Promise<NpsCsvResult> {
  let bytes = 0;
  async function* counted(): AsyncGenerator<string | Buffer> {
    for await (const chunk of input) {
      bytes += byteLengthOf(chunk);
      onProgress?.(bytes);
      yield chunk;
    }
  }

  const reader = await openCsv(counted(), options.delimiter ? { delimiter: options.delimiter } : {});
  const { delimiter } = reader;

  const distribution = emptyDistribution();
  let header: string[] | null = null;
  let column = -1;
  const sniffed: ParsedRow[] = [];
  let rows = 0;
  let invalid = 0;
  const invalidSamples: { line: number; value: string }[] = [];

  const tally = (row: ParsedRow): void => {
    rows++;
    const raw = row.fields[column] ?? '';
    const value = raw.trim();
    if (value === '') return;
    const score = parseScore(value);
    if (score !== null) {
      distribution[score]! += 1;
      return;
    }
    invalid++;
    if (invalidSamples.length < MAX_INVALID_SAMPLES) invalidSamples.push({ line: row.line, value: raw });
  };

  try {
    for await (const row of reader.records) {
      if (header === null) {
        header = row.fields.map((name) => name.trim());
        column = resolveColumn(header, options.column);
      } else if (column >= 0) {
        tally(row);
      } else {
        sniffed.push(row);
        if (sniffed.length === SNIFF_ROWS) {
          column = sniffScoreColumn(header, sniffed);
          for (const buffered of sniffed.splice(0)) tally(buffered);
        }
      }
    }
  } catch (error) {
    if (error instanceof CsvError) throw new NpsCsvError(`malformed CSV: ${error.message}`, 'bad-csv');
    throw error;
  }
  if (header === null) throw new NpsCsvError('the input is empty: a header row is required', 'no-header');
  if (column < 0) {
    column = sniffScoreColumn(header, sniffed);
    for (const buffered of sniffed) tally(buffered);
  }

  return {
    summary: summarize(distribution),
    column: header[column] || `column ${column + 1}`,
    delimiter,
    rows,
    invalid,
    invalidSamples,
  };
}

// ---------------------------------------------------------------------------------------------
// The command

const USAGE = `Usage: plaudit nps <file.csv | -> [options]

Computes the Net Promoter Score of one CSV column with its 95% margin of error.
The file needs a header row; - reads standard input.

Options:
  -c, --column <name|n>   column by header name or 1-based position
                          (default: a column named score, nps, rating, bewertung, punkte or wert,
                          else the first column of integers 0-10)
  -d, --delimiter <d>     , ; or tab (default: detected from the header line)
      --json              print the result as JSON
  -h, --help              show this help

Exit codes: 0 ok, 1 no valid score in the column, 2 usage or input error.
`;

/** Files above this size get a progress bar (on an interactive terminal). */
const PROGRESS_MIN_BYTES = 5 * 1024 * 1024;
/** Below this many responses the text output warns that the NPS is only a rough indication. */
const WARN_BELOW_N = 30;

function delimiterOption(value: string): string {
  const delimiter = delimiterFromName(value);
  if (delimiter === null)
    throw new UsageError(`invalid --delimiter ${JSON.stringify(value)}: use , ; or tab`);
  return delimiter;
}

class UsageError extends Error {}

function signed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits); // no "-0.0" and no "+0"
  return value > 0 ? `+${text}` : text;
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar of `width` cells at most, in eighths of a cell; non-zero counts stay visible. */
function bar(count: number, max: number, width: number): string {
  if (count === 0 || max === 0) return '';
  const eighths = Math.max(1, Math.round((count / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

const count = (n: number): string => n.toLocaleString('en-US');
const percent = (pct: number): string => `${pct.toFixed(1)}%`;

function methodName(summary: NpsSummary): string {
  if (summary.interval?.method !== 'adjusted-wald') return 'Wald';
  return summary.n < SMALL_SAMPLE_THRESHOLD
    ? `adjusted-Wald, used below ${SMALL_SAMPLE_THRESHOLD} responses`
    : 'adjusted-Wald, as all answers fall in one category';
}

function formatReport(source: string, result: NpsCsvResult): string {
  const { summary } = result;
  const lines: string[] = [];
  lines.push(
    `${source}: column ${JSON.stringify(result.column)}, delimiter ${JSON.stringify(result.delimiter)}`,
  );
  lines.push('');
  if (summary.nps === null || summary.interval === null) {
    lines.push('NPS          –  (no valid score)');
  } else {
    const { interval } = summary;
    lines.push(`NPS          ${signed(summary.npsRounded!, 0)}   (exact ${signed(summary.nps, 2)})`);
    lines.push(
      `95% interval ${signed(interval.low, 1)} to ${signed(interval.high, 1)}, ` +
        `margin of error ±${interval.marginOfError.toFixed(1)} (${methodName(summary)})`,
    );
  }
  lines.push(`responses    ${count(summary.n)}`);
  const countWidth = count(Math.max(summary.promoters, summary.passives, summary.detractors)).length;
  const category = (label: string, n: number, pct: number) =>
    `  ${label.padEnd(11)}${count(n).padStart(countWidth)}  ${percent(pct).padStart(6)}`;
  lines.push(category('promoters', summary.promoters, summary.promoterPct));
  lines.push(category('passives', summary.passives, summary.passivePct));
  lines.push(category('detractors', summary.detractors, summary.detractorPct));
  lines.push('');

  if (summary.n > 0) {
    const max = Math.max(...summary.distribution);
    const barWidth = 30;
    const scoreCountWidth = count(max).length;
    for (let score = 0; score <= 10; score++) {
      const n = summary.distribution[score]!;
      lines.push(
        `  ${String(score).padStart(2)} │${bar(n, max, barWidth).padEnd(barWidth)} ` +
          `${count(n).padStart(scoreCountWidth)}  ${percent((100 * n) / summary.n).padStart(6)}`,
      );
    }
    lines.push('');
  }

  const blank = result.rows - summary.n - result.invalid;
  lines.push(
    `rows ${count(result.rows)}: ${count(summary.n)} valid, ${count(blank)} blank, ${count(result.invalid)} invalid`,
  );
  if (result.invalidSamples.length > 0) {
    const samples = result.invalidSamples.map(({ line, value }) => {
      const shown = value.length > 40 ? `${value.slice(0, 39)}…` : value;
      return `line ${line} ${JSON.stringify(shown)}`;
    });
    const first = result.invalid > samples.length ? ` (first ${samples.length})` : '';
    lines.push(`invalid values${first}: ${samples.join(', ')}`);
  }
  if (summary.n > 0 && summary.n < WARN_BELOW_N) {
    lines.push(
      `Warning: only ${summary.n} response(s), fewer than ${WARN_BELOW_N}: the NPS can swing widely; ` +
        'read it together with its interval.',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Error codes of a failed file open or read (ENOENT, EISDIR, EACCES, …) mean a usage problem. */
function isFileError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code!)
  );
}

/**
 * Runs `plaudit nps` with the arguments after the command name and returns the exit code:
 * 0 ok, 1 no valid score, 2 usage or input error. `io.stdin` (default: process.stdin) serves `-`.
 */
export async function runNpsCommand(
  args: string[],
  io: {
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
    isTTY: boolean;
    stdin?: NodeJS.ReadableStream;
  },
): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`plaudit nps: ${message}\n`);
    return 2;
  };
  let file: string;
  let options: NpsCsvOptions;
  let json: boolean;
  try {
    const { values, positionals } = parseArgs({
      args,
      options: {
        column: { type: 'string', short: 'c' },
        delimiter: { type: 'string', short: 'd' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0 ? 'missing the CSV file (or - for standard input)' : 'expected one file',
      );
    }
    file = positionals[0]!;
    options = {};
    if (values.column !== undefined) options.column = values.column;
    if (values.delimiter !== undefined) options.delimiter = delimiterOption(values.delimiter);
    json = values.json ?? false;
  } catch (error) {
    // parseArgs throws TypeErrors with a readable message for unknown or incomplete options.
    if (error instanceof UsageError || error instanceof TypeError) {
      return fail(`${error.message}\n\n${USAGE}`);
    }
    throw error;
  }

  let progress: cliProgress.SingleBar | undefined;
  try {
    let input: NodeJS.ReadableStream;
    if (file === '-') {
      input = io.stdin ?? process.stdin;
    } else {
      const { size } = await stat(file);
      input = createReadStream(file, { highWaterMark: 1 << 20 });
      if (io.isTTY && size > PROGRESS_MIN_BYTES) {
        progress = new cliProgress.SingleBar({
          stream: io.stderr,
          format: 'reading {bar} {percentage}% · {eta_formatted} left',
          barCompleteChar: '█',
          barIncompleteChar: '░',
          hideCursor: true,
          clearOnComplete: true,
        });
        progress.start(size, 0);
      }
    }
    const bar = progress;
    const result = await computeNpsOfCsv(input, options, bar && ((bytes) => bar.update(bytes)));
    progress?.stop();
    progress = undefined;

    const source = file === '-' ? 'stdin' : file;
    io.stdout.write(
      json ? `${JSON.stringify({ file: source, ...result }, null, 2)}\n` : formatReport(source, result),
    );
    if (result.summary.n === 0) {
      io.stderr.write(
        `plaudit nps: no valid score in column ${JSON.stringify(result.column)} ` +
          `(${result.rows} rows, ${result.invalid} invalid)\n`,
      );
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof NpsCsvError) return fail(error.message);
    if (isFileError(error)) return fail(`cannot read ${file}: ${error.message}`);
    throw error;
  } finally {
    progress?.stop();
  }
}
