/** The part of a Node `Writable` (the driver's socket) that write coalescing uses. */
interface Corkable {
  readonly writableCorked: number;
  cork(): void;
  uncork(): void;
}

function uncork(stream: Corkable): void {
  stream.uncork();
}

/**
 * Holds the writes of `client`'s socket until the end of the current tick, so that every
 * command issued in this tick goes out in one `writev` (as node-redis does), instead of one
 * write system call per command: Node completes a socket write synchronously when it can, so
 * without this each command is a write of its own, and so is each reply on the server's side.
 * With 256 gets in flight this alone more than doubles the throughput on loopback. A lone
 * command still goes out at once: the socket is released on `process.nextTick`, before any
 * I/O or timer, so waiting for a reply is not delayed.
 *
 * Does nothing when the client has no socket yet (commands wait in the driver's offline queue
 * meanwhile) or the socket is already held in this tick.
 */
export function holdWritesThisTick(client: object): void {
  const stream = (client as { stream?: Corkable }).stream;
  if (stream === undefined || stream.writableCorked !== 0) return;
  stream.cork();
  process.nextTick(uncork, stream);
}
