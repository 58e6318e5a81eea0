/**
 * Key names, built once before the measured loops so that no contender pays for string building
 * inside them. `stored` is what cachex writes for `user` with prefix `prefix` and version 1
 * (Django's `prefix:version:key` layout), so the raw client can read the very same entries.
 */
export interface KeySet {
  user: string[];
  stored: string[];
}

export function keySet(prefix: string, name: string, count: number): KeySet {
  const user: string[] = [];
  const stored: string[] = [];
  for (let i = 0; i < count; i++) {
    user.push(`${name}:${i}`);
    stored.push(`${prefix}:1:${name}:${i}`);
  }
  return { user, stored };
}
