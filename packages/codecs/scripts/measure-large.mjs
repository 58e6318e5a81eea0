// Measures what large values cost on the event loop, to choose the zstd level and whether
// compression should leave the main thread: zstd-napi at levels 1/3/6, lz4-napi (frame, as the
// lz4 compressor writes), node:zlib deflate, each synchronous on the loop, and the same work
// off the loop (lz4-napi's and node:zlib's thread-pool APIs, and zstd-napi in a worker thread
// with the bytes transferred, not copied). For each: µs per call, bytes, and for the off-loop
// variants the time the main thread still spends per call (posting work, taking the result).
// Run: pnpm --filter @cachex/codecs measure:large   (Node 20: no built-in zstd)
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';
import * as lz4 from 'lz4-napi';
import * as zstd from 'zstd-napi';

const TIME_PER_CASE_MS = 600;

let seed = 7;
function random() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india'];
const pick = () => words[Math.floor(random() * words.length)];

/** JSON of user-like records, about `size` bytes (the bench's W4 shape). */
function payload(size) {
  const records = [];
  let bytes = 2;
  while (bytes < size) {
    const id = records.length + 1;
    const record = {
      id,
      name: `${pick()} ${pick()}`,
      email: `${pick()}.${id}@example.com`,
      score: Math.round(random() * 100000) / 100,
      active: random() > 0.5,
      tags: [pick(), pick(), pick()],
      createdAt: new Date(1_700_000_000_000 + Math.floor(random() * 1e10)).toISOString(),
    };
    records.push(record);
    bytes += JSON.stringify(record).length + 1;
  }
  return Buffer.from(JSON.stringify({ items: records, page: 1 }));
}

/** Mean µs per call of a synchronous `fn`, after a warm-up. */
function timeSync(fn) {
  for (let i = 0; i < 20; i++) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < TIME_PER_CASE_MS) {
    fn();
    calls++;
    now = performance.now();
  }
  return ((now - start) * 1000) / calls;
}

/**
 * An asynchronous `fn`, one call in flight: mean µs per call (wall) and the main thread's busy
 * µs per call (wall minus the time the loop sat idle, from the event-loop utilization).
 */
async function timeAsync(fn) {
  for (let i = 0; i < 20; i++) await fn();
  const before = performance.eventLoopUtilization();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < TIME_PER_CASE_MS) {
    await fn();
    calls++;
    now = performance.now();
  }
  const elu = performance.eventLoopUtilization(before);
  return { wall: ((now - start) * 1000) / calls, busy: (elu.active * 1000) / calls };
}

function zstdAt(level) {
  const compressor = new zstd.Compressor();
  compressor.setParameters({ compressionLevel: level });
  return compressor;
}

/** A worker that runs zstd-napi (level 3) on transferred bytes. */
function zstdWorker() {
  const source = `
    const { parentPort } = require('node:worker_threads');
    const zstd = require(${JSON.stringify(import.meta.resolve('zstd-napi').replace('file://', ''))});
    const c = new zstd.Compressor(); c.setParameters({ compressionLevel: 3 });
    const d = new zstd.Decompressor();
    parentPort.on('message', ({ id, op, data }) => {
      const out = op === 'c' ? c.compress(data) : d.decompress(data);
      const copy = new Uint8Array(out);
      parentPort.postMessage({ id, data: copy }, [copy.buffer]);
    });`;
  const worker = new Worker(source, { eval: true });
  const waiting = new Map();
  let next = 0;
  worker.on('message', ({ id, data }) => {
    waiting.get(id)(data);
    waiting.delete(id);
  });
  const call = (op, data) =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      const copy = new Uint8Array(data);
      worker.postMessage({ id, op, data: copy }, [copy.buffer]);
    });
  return { call, close: () => worker.terminate() };
}

const gzipAsync = promisify(zlib.deflate);
const inflateAsync = promisify(zlib.inflate);
const rows = [];
const row = (size, what, place, compressUs, decompressUs, bytes, busyUs) =>
  rows.push({ size, what, place, compressUs, decompressUs, bytes, busyUs });

for (const size of [100 * 1024, 1024 * 1024]) {
  const data = payload(size);
  const label = size >= 1024 * 1024 ? '~1 MB' : '~100 KB';
  row(
    label,
    'JSON.parse + stringify (reference)',
    'loop',
    timeSync(() => JSON.stringify(JSON.parse(data.toString()))),
    0,
    data.length,
  );
  for (const level of [1, 3, 6]) {
    const c = zstdAt(level);
    const d = new zstd.Decompressor();
    const packed = c.compress(data);
    row(
      label,
      `zstd-napi level ${level}`,
      'loop',
      timeSync(() => c.compress(data)),
      timeSync(() => d.decompress(packed)),
      packed.length,
    );
  }
  const lz4Packed = lz4.compressFrameSync(data);
  row(
    label,
    'lz4-napi frame',
    'loop',
    timeSync(() => lz4.compressFrameSync(data)),
    timeSync(() => lz4.decompressFrameSync(lz4Packed)),
    lz4Packed.length,
  );
  const deflated = zlib.deflateSync(data, { level: 6 });
  row(
    label,
    'node:zlib deflate level 6',
    'loop',
    timeSync(() => zlib.deflateSync(data, { level: 6 })),
    timeSync(() => zlib.inflateSync(deflated)),
    deflated.length,
  );

  const lz4c = await timeAsync(() => lz4.compressFrame(data));
  const lz4d = await timeAsync(() => lz4.decompressFrame(lz4Packed));
  row(
    label,
    'lz4-napi frame',
    'thread pool',
    lz4c.wall,
    lz4d.wall,
    lz4Packed.length,
    lz4c.busy + lz4d.busy,
  );
  const zc = await timeAsync(() => gzipAsync(data, { level: 6 }));
  const zd = await timeAsync(() => inflateAsync(deflated));
  row(
    label,
    'node:zlib deflate level 6',
    'thread pool',
    zc.wall,
    zd.wall,
    deflated.length,
    zc.busy + zd.busy,
  );
  const worker = zstdWorker();
  const packed3 = zstdAt(3).compress(data);
  const wc = await timeAsync(() => worker.call('c', data));
  const wd = await timeAsync(() => worker.call('d', packed3));
  await worker.close();
  row(
    label,
    'zstd-napi level 3',
    'worker thread',
    wc.wall,
    wd.wall,
    packed3.length,
    wc.busy + wd.busy,
  );
}

console.log(
  `Node ${process.version}; µs per call, one call at a time (main-thread µs for off-loop rows)\n`,
);
console.log(
  '| value | compressor | where | compress µs | decompress µs | bytes | ratio | main thread µs per compress+decompress |',
);
console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |');
const base = new Map(rows.filter((r) => r.what.startsWith('JSON')).map((r) => [r.size, r.bytes]));
for (const r of rows) {
  const busy =
    r.place === 'loop' ? (r.compressUs + r.decompressUs).toFixed(0) : r.busyUs.toFixed(0);
  console.log(
    `| ${r.size} | ${r.what} | ${r.place} | ${r.compressUs.toFixed(0)} | ${r.decompressUs.toFixed(0)} | ${r.bytes} | ${(r.bytes / base.get(r.size)).toFixed(2)} | ${busy} |`,
  );
}
