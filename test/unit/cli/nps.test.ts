import { createReadStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeNpsOfCsv, NpsCsvError, runNpsCommand } from '../../../src/cli/commands/nps';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../fixtures/nps/${name}`, import.meta.url));

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

async function run(args: string[], stdin?: NodeJS.ReadableStream) {
  const stdout = collector();
  const stderr = collector();
  const code = await runNpsCommand(args, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    isTTY: false,
    stdin,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const fromText = (text: string): Readable => Readable.from([Buffer.from(text)]);

describe('computeNpsOfCsv', () => {
  it('reads a comma file and finds the "score" column by name', async () => {
    // scores 10, 9, 9, 8, 7, 6, 3, 10, (blank), 0 → 4 P, 2 Pa, 3 D; NPS 100 × (4 − 3) / 9 = 11.1
    const result = await computeNpsOfCsv(createReadStream(fixture('comma.csv')), {});
    expect(result).toMatchObject({
      column: 'score',
      delimiter: ',',
      rows: 10,
      invalid: 0,
      invalidSamples: [],
    });
    expect(result.summary).toMatchObject({ n: 9, promoters: 4, passives: 2, detractors: 3, npsRounded: 11 });
    expect(result.summary.distribution).toEqual([1, 0, 0, 1, 0, 0, 1, 1, 1, 2, 2]);
  });

  it('detects semicolons and the German header "Bewertung", with "9,0" as 9', async () => {
    const result = await computeNpsOfCsv(createReadStream(fixture('semicolon.csv')), {});
    expect(result).toMatchObject({ column: 'Bewertung', delimiter: ';', rows: 5, invalid: 0 });
    // 9, 10, 7, 2, 9,0 → 3 P, 1 Pa, 1 D → NPS 40
    expect(result.summary).toMatchObject({ n: 5, promoters: 3, passives: 1, detractors: 1, nps: 40 });
  });

  it('strips a UTF-8 byte order mark from the header', async () => {
    const result = await computeNpsOfCsv(createReadStream(fixture('bom.csv')), {});
    expect(result.column).toBe('Score');
    expect(result.summary.n).toBe(3);
  });

  it('handles quoted fields with delimiters, quotes and line breaks, and reports starting lines', async () => {
    const result = await computeNpsOfCsv(createReadStream(fixture('quoted.csv')), {});
    expect(result).toMatchObject({ column: 'nps', rows: 5, invalid: 2 });
    // "Ben" starts on line 4 (Anna's comment spans lines 2-3); "Dan" on line 7 (line 6 is empty)
    expect(result.invalidSamples).toEqual([
      { line: 4, value: 'eleven' },
      { line: 7, value: '11' },
    ]);
    expect(result.summary).toMatchObject({ n: 3, promoters: 1, passives: 1, detractors: 1 });
  });

  it('finds a score column by its values when no header says so (tab-separated)', async () => {
    const result = await computeNpsOfCsv(createReadStream(fixture('sniff.tsv')), {});
    expect(result).toMatchObject({ column: 'answer', delimiter: '\t', rows: 4 });
    expect(result.summary.n).toBe(3);
  });

  it('skips blanks, counts invalid values and keeps the first 10 with line numbers', async () => {
    const result = await computeNpsOfCsv(createReadStream(fixture('invalid.csv')), {});
    // valid: 9, 9.0, " 8 ", 10, 3; invalid: abc, 11, -1, 7.5, x1..x7; line 9 is empty
    expect(result.summary.distribution).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 1]);
    expect(result.invalid).toBe(11);
    expect(result.invalidSamples).toHaveLength(10);
    expect(result.invalidSamples.slice(0, 5)).toEqual([
      { line: 3, value: 'abc' },
      { line: 4, value: '11' },
      { line: 5, value: '-1' },
      { line: 6, value: '7.5' },
      { line: 11, value: 'x1' },
    ]);
  });

  it('takes a column by name (any case) or by 1-based position, and an explicit delimiter', async () => {
    const text = 'a;b;c\n1;9;x\n2;0;y\n';
    expect((await computeNpsOfCsv(fromText(text), { column: 'B' })).summary.nps).toBe(0);
    expect((await computeNpsOfCsv(fromText(text), { column: '2' })).column).toBe('b');
    const explicit = await computeNpsOfCsv(fromText('x|score\n1|10\n'), { delimiter: '|' });
    expect(explicit).toMatchObject({ column: 'score', delimiter: '|' });
    expect(explicit.summary.n).toBe(1);
  });

  it('prefers a header named like the number over the position', async () => {
    const result = await computeNpsOfCsv(fromText('1,2\n10,0\n'), { column: '1' });
    expect(result.column).toBe('1');
    expect(result.summary.promoters).toBe(1);
  });

  it('lets a header decide the delimiter even when comments are full of commas', async () => {
    const result = await computeNpsOfCsv(fromText('Kommentar;Wert\ngut, schnell, günstig;10\n'), {});
    expect(result).toMatchObject({ delimiter: ';', column: 'Wert' });
  });

  it('treats ragged rows as blank values instead of failing', async () => {
    const result = await computeNpsOfCsv(fromText('id,score\n1\n2,9\n'), {});
    expect(result).toMatchObject({ rows: 2, invalid: 0 });
    expect(result.summary.n).toBe(1);
  });

  it('throws NpsCsvError on an unknown column, naming the headers', async () => {
    const error = await computeNpsOfCsv(fromText('a,b\n1,2\n'), { column: 'score' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NpsCsvError);
    expect((error as NpsCsvError).code).toBe('unknown-column');
    expect((error as NpsCsvError).message).toContain('1: "a", 2: "b"');
    await expect(computeNpsOfCsv(fromText('a,b\n1,2\n'), { column: '3' })).rejects.toThrow(/out of range/);
  });

  it('throws NpsCsvError on empty input and on malformed CSV', async () => {
    await expect(computeNpsOfCsv(fromText(''), {})).rejects.toMatchObject({ code: 'no-header' });
    await expect(computeNpsOfCsv(fromText('score\n"9\n'), {})).rejects.toMatchObject({ code: 'bad-csv' });
  });

  it('reports progress in bytes read', async () => {
    const text = 'score\n9\n10\n';
    const seen: number[] = [];
    await computeNpsOfCsv(
      Readable.from([Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))]),
      {},
      (bytes) => seen.push(bytes),
    );
    expect(seen).toEqual([5, text.length]);
  });

  it('streams 200,000 generated rows in small chunks and counts them exactly', async () => {
    const rows = 200_000;
    const expected = new Array<number>(11).fill(0);
    let blanks = 0;
    let invalid = 0;
    async function* generate(): AsyncGenerator<Buffer> {
      yield Buffer.from('id;email;Bewertung;Kommentar\r\n');
      let chunk = '';
      for (let i = 0; i < rows; i++) {
        let value: string;
        if (i % 1000 === 999) {
          value = '';
          blanks++;
        } else if (i % 5000 === 4998) {
          value = 'n/a';
          invalid++;
        } else {
          const score = (i * 7) % 11;
          expected[score]! += 1;
          value = String(score);
        }
        chunk += `${i};user${i}@example.com;${value};"Kommentar; mit ""Zitat"", Nr. ${i}"\r\n`;
        // odd-sized chunks, so records and the CRLF get split across chunk boundaries
        if (chunk.length > 4093) {
          yield Buffer.from(chunk);
          chunk = '';
        }
      }
      yield Buffer.from(chunk);
    }
    const result = await computeNpsOfCsv(Readable.from(generate()), {});
    expect(result.rows).toBe(rows);
    expect(result.invalid).toBe(invalid);
    expect(result.summary.n).toBe(rows - blanks - invalid);
    expect(result.summary.distribution).toEqual(expected);
    // row i is on line i + 2 (line 1 is the header)
    expect(result.invalidSamples[0]).toEqual({ line: 4998 + 2, value: 'n/a' });
  });
});

describe('plaudit nps', () => {
  it('prints NPS, counts, interval with its method and a distribution chart', async () => {
    const { code, stdout, stderr } = await run([fixture('comma.csv')]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('column "score"');
    expect(stdout).toMatch(/NPS\s+\+11\b/);
    expect(stdout).toMatch(/promoters\s+4\s+44\.4%/);
    expect(stdout).toMatch(/passives\s+2\s+22\.2%/);
    expect(stdout).toMatch(/detractors\s+3\s+33\.3%/);
    expect(stdout).toMatch(/95% interval -?\d+\.\d to \+\d+\.\d, margin of error ±\d+\.\d \(adjusted-Wald/);
    // eleven chart rows, the longest bar for the most frequent scores (9 and 10)
    const chart = stdout.split('\n').filter((line) => /^\s+\d+ │/.test(line));
    expect(chart).toHaveLength(11);
    expect(chart[10]).toContain('█'.repeat(30));
    expect(chart[5]).toMatch(/│\s+0\s+0\.0%$/);
    expect(stdout).toMatch(/Warning: only 9 response/);
  });

  it('shows the Wald method and no warning from 100 responses', async () => {
    const csv = `score\n${Array.from({ length: 120 }, (_, i) => i % 11).join('\n')}\n`;
    const { code, stdout } = await run(['-'], fromText(csv));
    expect(code).toBe(0);
    expect(stdout).toMatch(/\(Wald\)/);
    expect(stdout).not.toContain('Warning');
    expect(stdout).toContain('stdin');
  });

  it('prints JSON with --json', async () => {
    const { code, stdout } = await run([fixture('semicolon.csv'), '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ column: 'Bewertung', delimiter: ';', rows: 5, invalid: 0 });
    expect(json.summary).toMatchObject({ n: 5, nps: 40, npsRounded: 40 });
    expect(json.summary.interval.method).toBe('adjusted-wald');
  });

  it('lists invalid values with their lines', async () => {
    const { code, stdout } = await run([fixture('invalid.csv')]);
    expect(code).toBe(0);
    expect(stdout).toContain('rows 16: 5 valid, 0 blank, 11 invalid');
    expect(stdout).toContain('invalid values (first 10): line 3 "abc", line 4 "11"');
  });

  it('accepts --column, -c and --delimiter tab', async () => {
    expect((await run([fixture('sniff.tsv'), '--column', 'answer', '--delimiter', 'tab'])).code).toBe(0);
    expect((await run([fixture('comma.csv'), '-c', '3'])).stdout).toContain('column "score"');
  });

  it('exits 2 naming the available headers when the column is unknown', async () => {
    const { code, stdout, stderr } = await run([fixture('comma.csv'), '--column', 'rating']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('unknown column "rating"');
    expect(stderr).toContain('1: "id", 2: "email", 3: "score", 4: "comment"');
  });

  it('exits 2 when no score column can be found', async () => {
    const { code, stderr } = await run([fixture('no-score.csv')]);
    expect(code).toBe(2);
    expect(stderr).toContain('no score column found');
    expect(stderr).toContain('"name", 2: "city"');
  });

  it('exits 2 on usage errors', async () => {
    expect((await run([])).stderr).toContain('missing the CSV file');
    expect((await run(['a.csv', 'b.csv'])).code).toBe(2);
    const unknownOption = await run([fixture('comma.csv'), '--colum', 'x']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain('--colum');
    expect((await run([fixture('comma.csv'), '--delimiter', '"'])).code).toBe(2);
    const missing = await run([fixture('does-not-exist.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    expect((await run([fixture('empty.csv')])).stderr).toContain('header row is required');
  });

  it('exits 1 when the column has no valid score', async () => {
    const { code, stdout, stderr } = await run([fixture('header-only.csv')]);
    expect(code).toBe(1);
    expect(stdout).toContain('no valid score');
    expect(stderr).toContain('no valid score in column "score"');
    const json = await run([fixture('header-only.csv'), '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).summary.nps).toBeNull();
  });

  it('prints help and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: plaudit nps');
  });
});
