// Counts what one webhook costs in round-trips: Durable Object RPCs by method and KV reads, by wrapping the bindings.

export type Counts = Record<string, number>;

/** A Durable Object namespace whose stubs count each RPC method called on them. */
function countingNamespace<T extends Rpc.DurableObjectBranded>(
  namespace: DurableObjectNamespace<T>,
  label: string,
  bump: (name: string) => void,
): DurableObjectNamespace<T> {
  // Boundary: Proxies over workerd's RPC stubs; only calls are observed, nothing is changed.
  return new Proxy(namespace, {
    get(target, prop) {
      if (prop !== 'get') {
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (...args: Parameters<typeof target.get>) =>
        new Proxy(target.get(...args), {
          get(stub, method) {
            const value: unknown = Reflect.get(stub, method);
            if (typeof value !== 'function' || typeof method !== 'string') return value;
            return (...call: unknown[]) => {
              bump(`${label}.${method}`);
              // Reflect.apply: `.apply` on an RPC method would itself be taken for a remote property.
              return Reflect.apply(value, stub, call);
            };
          },
        });
    },
  });
}

/** A KV namespace that counts reads and writes. */
function countingKv(kv: KVNamespace, bump: (name: string) => void): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        bump(`KV.${String(prop)}`);
        return Reflect.apply(value, target, args);
      };
    },
  });
}

/** An env whose Durable Object and KV bindings count into `counts`. */
export function countingEnv(env: Env, counts: Counts): Env {
  const bump = (name: string) => void (counts[name] = (counts[name] ?? 0) + 1);
  return {
    ...env,
    CONFIG: countingKv(env.CONFIG, bump),
    PURGE_SCHEDULER: countingNamespace(env.PURGE_SCHEDULER, 'PurgeScheduler', bump),
    SOURCE_STATE: countingNamespace(env.SOURCE_STATE, 'SourceState', bump),
  };
}
