/** Memoisation by key in a Map or WeakMap: the one get-or-make of the project. Pure apart from filling the cache. */

/** The map shapes a cache can be: a `Map` or a `WeakMap`. */
export interface CacheMap<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
}

/** The value cached under `key`, made by `make` and cached on the first ask. */
export function getOrCreate<K, V>(cache: CacheMap<K, V>, key: K, make: () => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const made = make();
  cache.set(key, made);
  return made;
}
