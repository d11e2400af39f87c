import { ApiError } from '../http/errors';
import { attributeKey } from '../http/schemas';
import { normaliseHeader } from './csv-import';

/** At most this many attribute columns, as for attributes sent as JSON. */
const MAX_ATTRIBUTE_COLUMNS = 50;

export interface MappedHeader<K extends string> {
  /** Column index of each known column present. */
  known: Partial<Record<K, number>>;
  /** Attribute name and column index of every other column. */
  attributes: { name: string; index: number }[];
}

/**
 * Maps a header row onto known columns (matched case-insensitively, through `aliases`) and
 * attribute columns (every other name, which must be a valid attribute name). `ignored` columns
 * are read by nobody (derived values of an export). Throws a 400 naming the column on an empty,
 * invalid or duplicate name.
 */
export function mapHeader<K extends string>(
  header: readonly string[],
  columns: readonly K[],
  aliases: Readonly<Record<string, K>> = {},
  ignored: readonly string[] = [],
): MappedHeader<K> {
  const known: Partial<Record<K, number>> = {};
  const attributes: { name: string; index: number }[] = [];
  const seen = new Map<string, string>();
  header.forEach((cell, index) => {
    const name = normaliseHeader(cell);
    if (name === '') {
      throw new ApiError(400, 'invalid_header', `Column ${index + 1} of the header has no name`, null);
    }
    const lower = name.toLowerCase();
    const canonical: string =
      (columns as readonly string[]).includes(lower) || ignored.includes(lower)
        ? lower
        : (aliases[lower] ?? name);
    const earlier = seen.get(canonical);
    if (earlier !== undefined) {
      const also = earlier === name ? '' : ` (as "${earlier}")`;
      throw new ApiError(400, 'invalid_header', `Column "${name}" appears twice${also}`, name);
    }
    seen.set(canonical, name);
    if ((columns as readonly string[]).includes(canonical)) known[canonical as K] = index;
    else if (ignored.includes(canonical)) return;
    else {
      if (!attributeKey.safeParse(name).success) {
        throw new ApiError(
          400,
          'invalid_header',
          `Column "${name}" is not a known column and not a valid attribute name ` +
            '(a letter, then letters, digits, _ . -; at most 64)',
          name,
        );
      }
      attributes.push({ name, index });
    }
  });
  if (attributes.length > MAX_ATTRIBUTE_COLUMNS) {
    throw new ApiError(
      400,
      'invalid_header',
      `${attributes.length} attribute columns; at most ${MAX_ATTRIBUTE_COLUMNS}`,
      attributes[MAX_ATTRIBUTE_COLUMNS]!.name,
    );
  }
  return { known, attributes };
}

/** The trimmed cell of a column, '' when the column or the cell is missing. */
export function cellOf(fields: readonly string[], index: number | undefined): string {
  if (index === undefined) return '';
  return (fields[index] ?? '').trim();
}
