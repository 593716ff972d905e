// Defence in depth against prototype pollution (SECURITY.md, F2): the prototypes every plain object and
// array inherit from are frozen once, at module start, so no key from a payload can ever add to them.
// src/index.ts imports this module first.
//
// Freezing alone would break code that assigns a property whose name the prototype already holds: in strict
// mode `record.toString = 1` throws once Object.prototype.toString is read-only (the "override mistake"),
// and zod builds records and loose objects exactly so, from payload keys. So each data property is first
// turned into an accessor whose setter defines the property on the object assigned to, never on the
// prototype (as SES's `enablePropertyOverrides` does); reads return the same values as before.

function tameAndFreeze(proto: object, label: string): void {
  for (const name of Reflect.ownKeys(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (!descriptor || !('value' in descriptor) || !descriptor.configurable) continue;
    const value: unknown = descriptor.value;
    Object.defineProperty(proto, name, {
      get: () => value,
      set(this: object, next: unknown) {
        if (this === proto) throw new TypeError(`Cannot assign to ${String(name)} of ${label}: it is frozen`);
        Object.defineProperty(this, name, { value: next, writable: true, enumerable: true, configurable: true });
      },
      enumerable: descriptor.enumerable ?? false,
      configurable: false,
    });
  }
  Object.freeze(proto);
}

tameAndFreeze(Object.prototype, 'Object.prototype');
tameAndFreeze(Array.prototype, 'Array.prototype');

export {};
