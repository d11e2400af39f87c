/**
 * Streaming CSV reading shared by the CLI (`plaudit nps`) and the import API: delimiter detection
 * from the header line, records with the physical line they start on, and the score syntax of
 * spreadsheet exports. Memory stays flat however large the input is.
 */
import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse';

export const DELIMITER_CANDIDATES = [',', ';', '\t'] as const;
/** Stop looking for the end of the header line after this much text and decide with what we have. */
const HEADER_PEEK_LIMIT = 1 << 20;

/**
 * A score as exported by spreadsheets and data tools: an integer 0-10, optionally written with a
 * zero fraction ("9.0", "9,0"), which is what pandas writes for an integer column with gaps.
 */
const SCORE_TEXT = /^(\d{1,2})(?:[.,]0+)?$/;

/** The score 0-10 written in `text` (already trimmed), or null. */
export function parseScore(text: string): number | null {
  const match = SCORE_TEXT.exec(text);
  if (match === null) return null;
  const score = Number(match[1]);
  return score <= 10 ? score : null;
}

/** The first line of `text` outside quoted fields, or null when it has not ended yet. */
export function firstLineOf(text: string): string | null {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) return text.slice(0, i);
  }
  return null;
}

/**
 * The candidate occurring most often outside quotes in the header line; ties go to the earlier
 * candidate, and a one-column header means comma. The header decides, not the data, because free-
 * text comments and German decimals ("7,5") put commas into the rows of semicolon files.
 */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>(DELIMITER_CANDIDATES.map((d) => [d, 0]));
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best: string = ',';
  for (const candidate of DELIMITER_CANDIDATES) {
    if (counts.get(candidate)! > counts.get(best)!) best = candidate;
  }
  return best;
}

const DELIMITER_NAMES: Record<string, string> = {
  tab: '\t',
  '\\t': '\t',
  comma: ',',
  semicolon: ';',
};

/** A delimiter as a user writes it (`;`, `tab`, `\t`, `comma` …), or null when it cannot be one. */
export function delimiterFromName(value: string): string | null {
  const delimiter = DELIMITER_NAMES[value.toLowerCase()] ?? value;
  return delimiter === '' || /["\r\n]/.test(delimiter) ? null : delimiter;
}

/** Lines a record spans: one, plus the line breaks inside its quoted fields. */
export function linesOf(fields: readonly string[]): number {
  let lines = 1;
  for (const field of fields) {
    for (let i = field.indexOf('\n'); i >= 0; i = field.indexOf('\n', i + 1)) lines++;
  }
  return lines;
}

/** What csv-parse yields for an empty line when it is not told to skip them. */
export function isEmptyLine(fields: readonly string[]): boolean {
  return fields.length === 1 && fields[0] === '';
}

export interface CsvRecord {
  fields: string[];
  /** 1-based line of the file on which the record starts (header = line 1 unless blank lines precede it). */
  line: number;
}

export interface CsvReader {
  /** The delimiter used (given or detected). */
  delimiter: string;
  /** Non-empty records in file order; rejects with a csv-parse `CsvError` on malformed input. */
  records: AsyncIterable<CsvRecord>;
  /** The line the next record would start on: where a parse error happened. */
  nextLine(): number;
}

export interface CsvReadOptions {
  /** Field delimiter; default: detected from the header line among `,` `;` and tab. */
  delimiter?: string;
  /** Longest record in characters; guards memory against an unclosed quote in a huge file. */
  maxRecordSize?: number;
}

/**
 * Opens a CSV stream: peeks just far enough to see the header line (for the delimiter), replays it
 * in front of the rest, and yields records with their line numbers. Empty lines are skipped here
 * rather than by the parser so every line passes through this count: csv-parse's own line numbers
 * (on_record's context) would double the parse time of a large file.
 */
export async function openCsv(
  input: AsyncIterable<string | Buffer | Uint8Array>,
  options: CsvReadOptions = {},
): Promise<CsvReader> {
  const source = input[Symbol.asyncIterator]();
  let delimiter = options.delimiter;
  const head: (string | Buffer | Uint8Array)[] = [];
  if (delimiter === undefined) {
    const decoder = new StringDecoder('utf8');
    let text = '';
    let headerLine: string | null = null;
    while (headerLine === null && text.length < HEADER_PEEK_LIMIT) {
      const next = await source.next();
      if (next.done) break;
      head.push(next.value);
      text += typeof next.value === 'string' ? next.value : decoder.write(Buffer.from(next.value));
      headerLine = firstLineOf(text);
    }
    delimiter = detectDelimiter(headerLine ?? text);
  }
  async function* replayed(): AsyncGenerator<string | Buffer | Uint8Array> {
    yield* head;
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      yield next.value;
    }
  }

  const parser = parse({
    delimiter,
    bom: true,
    // Exports often have ragged rows (a trailing comment column left out); a missing value is blank.
    relax_column_count: true,
    // A stray quote inside an unquoted comment (5" display) should not abort a million-row file.
    relax_quotes: true,
    ...(options.maxRecordSize ? { max_record_size: options.maxRecordSize } : {}),
  });
  // pipeline() forwards a read error to the parser and destroys the input if we stop early.
  pipeline(Readable.from(replayed()), parser, () => {});

  let line = 1;
  async function* records(): AsyncGenerator<CsvRecord> {
    for await (const fields of drained(parser)) {
      const record: CsvRecord = { fields, line };
      line += linesOf(fields);
      if (!isEmptyLine(fields)) yield record;
    }
  }
  return { delimiter, records: records(), nextLine: () => line };
}

/**
 * The records of a parser, then its error. Unlike the stream's own async iterator, this yields the
 * records parsed before a syntax error (they are still buffered after the parser is destroyed), so
 * every good row before the error is seen and line numbers stay exact.
 */
async function* drained(parser: Readable): AsyncGenerator<string[]> {
  let error: unknown = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const signal = () => {
    wake?.();
    wake = null;
  };
  parser.on('readable', signal);
  parser.on('end', () => {
    ended = true;
    signal();
  });
  parser.on('error', (e) => {
    error = e;
    signal();
  });
  parser.on('close', () => {
    ended = true;
    signal();
  });
  try {
    for (;;) {
      for (let record = parser.read() as string[] | null; record !== null; record = parser.read()) {
        yield record;
      }
      if (error !== null) throw error;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    if (!parser.destroyed) parser.destroy();
  }
}
