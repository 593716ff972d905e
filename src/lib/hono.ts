// Hono with its TrieRouter alone: the default SmartRouter also bundles RegExpRouter (about 1.5 KiB
// gzip) for a speed this app's few dozen routes do not need; matching rules are the same.
// https://hono.dev/docs/concepts/routers
import type { Env as HonoEnv, Schema } from 'hono';
import { HonoBase, type HonoOptions } from 'hono/hono-base';
import { TrieRouter } from 'hono/router/trie-router';

export class Hono<E extends HonoEnv = HonoEnv, S extends Schema = {}, BasePath extends string = '/'> extends HonoBase<
  E,
  S,
  BasePath
> {
  constructor(options: HonoOptions<E> = {}) {
    super(options);
    this.router = new TrieRouter();
  }
}
