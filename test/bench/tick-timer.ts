// Sub-millisecond timing inside workerd, whose clock only moves in whole milliseconds: the tick-edge method.
//
// performance.now() here ticks once a millisecond (and, in production, only across I/O: Spectre
// mitigation, https://developers.cloudflare.com/workers/reference/security-model/#step-1-disallow-timers-and-multi-threading).
// Locally it does move during CPU work, in 1 ms steps. So a measurement starts exactly on a tick edge;
// after the operation the reads until the next edge are counted, then the reads of the whole tick after
// it: their ratio is the part of the last tick the operation did not use. Counting a whole tick right
// after each operation keeps the estimate honest when other processes slow the reads down.

/** Spins until the clock moves; returns the new reading and how many reads that took. */
function nextEdge(): { at: number; reads: number } {
  const from = performance.now();
  let at = from;
  let reads = 0;
  while (at === from) {
    at = performance.now();
    reads++;
  }
  return { at, reads };
}

/** The duration of `op` in milliseconds, to a small fraction of a tick. */
export async function timeOp(op: () => Promise<unknown>): Promise<number> {
  const start = nextEdge().at;
  await op();
  const rest = nextEdge();
  const tick = nextEdge();
  const unused = (rest.reads / tick.reads) * (tick.at - rest.at);
  return Math.max(0, rest.at - start - unused);
}
