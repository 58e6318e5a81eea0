// The members of the Transport contract (and its health members): a wrapper implements them
// itself. Disposal closes, so it goes through the wrapper's close() too.
const CONTRACT = new Set<PropertyKey>([
  'constructor',
  'name',
  'capabilities',
  'command',
  'batch',
  'partitionKeys',
  'scan',
  'broadcast',
  'getClient',
  'close',
  'status',
  'on',
  'off',
  Symbol.asyncDispose,
  Symbol.dispose,
]);

/** Function-valued properties of `target` (own and inherited) outside the Transport contract. */
function extraMethods(target: object): PropertyKey[] {
  const names = new Set<PropertyKey>();
  for (
    let object: object | null = target;
    object !== null && object !== Object.prototype;
    object = Object.getPrototypeOf(object) as object | null
  ) {
    for (const name of Reflect.ownKeys(object)) {
      if (CONTRACT.has(name) || names.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(object, name);
      // Only plain methods: getters stay on the target (reading them here could have effects).
      if (descriptor !== undefined && typeof descriptor.value === 'function') names.add(name);
    }
  }
  return [...names];
}

/**
 * Gives `wrapper` every method `target` has beyond the Transport contract (the memory
 * transport's `defineScript`…), calling the target's: a transport wrapped by another (shared by
 * several caches, behind a circuit breaker) keeps its own API.
 */
export function forwardExtraMethods(wrapper: object, target: object): void {
  const source = target as Record<PropertyKey, unknown>;
  for (const name of extraMethods(target)) {
    Object.defineProperty(wrapper, name, {
      value: (...args: unknown[]) =>
        (source[name] as (...a: unknown[]) => unknown).apply(target, args),
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
}
