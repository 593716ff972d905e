// Defence in depth against prototype pollution (SECURITY.md, F2): the prototypes every plain object and
// array inherit from are frozen once, at module start, so no key from a payload can ever add to them.
// src/index.ts imports this module first; Hono, zod and workerd only define properties on their own objects.
Object.freeze(Object.prototype);
Object.freeze(Array.prototype);

export {};
