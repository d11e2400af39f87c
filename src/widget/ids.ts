const bytes = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));

/** 22 characters of base64url from 16 random bytes (128 bits): the visitor id. */
export const randomId = (): string =>
  btoa(String.fromCharCode(...bytes(16)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .slice(0, 22);

/** A UUID v4 (crypto.randomUUID exists only in secure contexts; customer pages may be http). */
export const uuid = (): string => {
  const b = bytes(16);
  b[6] = (b[6]! & 15) | 64;
  b[8] = (b[8]! & 63) | 128;
  const h = Array.from(b, (x) => (x + 256).toString(16).slice(1)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
