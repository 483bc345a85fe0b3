/**
 * Builds a code → entry index that rejects duplicates at load time and a lookup that throws on
 * unknown codes, so a typo in a caller fails loudly instead of producing a record without a name.
 */
export function indexByCode<T extends { readonly code: string }>(
  listName: string,
  entries: readonly T[],
): { readonly map: ReadonlyMap<string, T>; get(code: string): T; has(code: string): boolean } {
  const map = new Map<string, T>();
  for (const entry of entries) {
    if (map.has(entry.code)) throw new Error(`duplicate ${listName} code ${entry.code}`);
    map.set(entry.code, entry);
  }
  return {
    map,
    get(code: string): T {
      const entry = map.get(code);
      if (!entry) throw new RangeError(`unknown ${listName} code: ${code}`);
      return entry;
    },
    has: (code: string) => map.has(code),
  };
}
