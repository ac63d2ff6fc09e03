/**
 * The one non-cryptographic hash of the project: FNV-1a over UTF-16 code units, 32 bits. Used for
 * stable ids, fingerprints and suffixes that must not change between runs or machines. Pure.
 */

/** The FNV-1a 32-bit offset basis, the default seed. */
export const FNV_OFFSET_BASIS = 0x811c9dc5;

/** The FNV 32-bit prime. */
export const FNV_PRIME = 0x01000193;

/** FNV-1a of a text as an unsigned 32-bit integer, from `seed` (the offset basis by default) with `prime`. Pure. */
export function fnv1a32(text: string, seed: number = FNV_OFFSET_BASIS, prime: number = FNV_PRIME): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, prime) >>> 0;
  }
  return h;
}

/** FNV-1a of a text as 8 lower-case hex digits. Pure. */
export function fnv1aHex(text: string, seed: number = FNV_OFFSET_BASIS): string {
  return fnv1a32(text, seed).toString(16).padStart(8, '0');
}

/** A UUID-shaped (version 4, variant 8) id from four FNV-1a hashes of a text, one per seed. Pure. */
export function uuidFromHashes(text: string, seeds: readonly [number, number, number, number]): string {
  const hex = seeds.map((seed) => fnv1aHex(text, seed)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
