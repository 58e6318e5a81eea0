import type { ServerResponse } from 'node:http';
import { applyHeaders } from './http.js';

/** What {@link bufferResponse} calls back. */
export interface CaptureHooks {
  /**
   * The handler ended its response with this body. The response is still unsent: change its
   * headers or status, then call `send` (with the body to send, or none) exactly once.
   */
  complete(body: Buffer, send: (body?: Buffer) => void): void;
  /**
   * The body grew past `maxSize`: the response goes out as it is written from now on (called
   * before the first byte is sent, so headers can still be set).
   */
  overflow(): void;
}

type WriteCallback = (error?: Error | null) => void;
type AnyMethod = (...args: unknown[]) => unknown;

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (typeof chunk === 'string') {
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  }
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  throw new TypeError(
    `The "chunk" argument must be of type string or an instance of Buffer or Uint8Array, got ${typeof chunk}`,
  );
}

/**
 * Holds back a response while its handler writes it: `writeHead`, `write` and `end` are
 * recorded instead of sent (headers given to `writeHead` are applied with `setHeader`), so that
 * the whole body is known before the first byte leaves, with the headers still open. `send`
 * then puts it on the wire through the original methods. A body larger than `maxSize` bytes
 * stops the holding: what was held is written and the rest passes straight through.
 *
 * The methods are replaced on the response object itself; once released they forward every
 * call to the originals, so middleware that wrapped them later keeps working.
 */
export function bufferResponse(res: ServerResponse, maxSize: number, hooks: CaptureHooks): void {
  const original = {
    writeHead: res.writeHead as AnyMethod,
    write: res.write as AnyMethod,
    end: res.end as AnyMethod,
    flushHeaders: res.flushHeaders as AnyMethod,
  };
  // holding: recording; ending: end() was called, the hook decides; passing: straight through.
  let state = 'holding' as 'holding' | 'ending' | 'passing';
  // Read through a function: `hold` may change the state behind the compiler's back.
  const passing = () => state === 'passing';
  const chunks: Buffer[] = [];
  let size = 0;

  /** Records a chunk; past maxSize, releases the response and writes everything held. */
  function hold(chunk: Buffer): boolean {
    if (size + chunk.length <= maxSize) {
      chunks.push(chunk);
      size += chunk.length;
      return true;
    }
    state = 'passing';
    hooks.overflow();
    for (const held of chunks.splice(0)) original.write.call(res, held);
    return original.write.call(res, chunk) as boolean;
  }

  res.writeHead = function writeHead(this: ServerResponse, ...args: unknown[]) {
    if (state === 'passing') {
      return original.writeHead.apply(this, args);
    }
    if (state === 'holding') {
      const [statusCode, second, third] = args;
      if (typeof statusCode === 'number') this.statusCode = statusCode;
      if (typeof second === 'string') {
        this.statusMessage = second;
        applyHeaders(this, third);
      } else {
        applyHeaders(this, second);
      }
    }
    return this;
  } as ServerResponse['writeHead'];

  res.flushHeaders = function flushHeaders(this: ServerResponse) {
    if (state === 'passing') original.flushHeaders.call(this);
  };

  res.write = function write(this: ServerResponse, ...args: unknown[]) {
    if (state === 'passing') {
      return original.write.apply(this, args);
    }
    if (state === 'ending') return false;
    const [chunk, second, third] = args;
    const callback = (typeof second === 'function' ? second : third) as WriteCallback | undefined;
    const buffer = toBuffer(chunk, second);
    const result = buffer.length === 0 ? true : hold(buffer);
    if (callback) process.nextTick(callback);
    return result;
  } as ServerResponse['write'];

  res.end = function end(this: ServerResponse, ...args: unknown[]) {
    if (state === 'passing') {
      return original.end.apply(this, args);
    }
    if (state === 'ending') return this;
    let [chunk, encoding, callback] = args;
    if (typeof chunk === 'function') {
      callback = chunk;
      chunk = undefined;
    } else if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    const done = callback as (() => void) | undefined;
    if (chunk !== undefined && chunk !== null) {
      const buffer = toBuffer(chunk, encoding);
      if (buffer.length > 0) hold(buffer);
      // Released by an overflow: what was held is written, only the end is left.
      if (passing()) return original.end.call(this, done);
    }
    state = 'ending';
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    chunks.length = 0;
    let sent = false;
    hooks.complete(body, (toSend) => {
      if (sent) return;
      sent = true;
      state = 'passing';
      if (toSend === undefined || toSend.length === 0) original.end.call(this, done);
      else original.end.call(this, toSend, done);
    });
    return this;
  } as ServerResponse['end'];
}
