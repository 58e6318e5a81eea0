// Measures fflate against node:zlib (sync deflate/zlib and gzip, level 6) on JSON-ish payloads
// of the sizes a cache sees, to pick the implementation behind the zlib and gzip compressors.
// Run: node packages/codecs/scripts/measure-deflate.mjs
import zlib from 'node:zlib';
import * as fflate from 'fflate';

const LEVEL = 6;
const TIME_PER_CASE_MS = 400;

// A seeded generator keeps the payloads identical from run to run.
let seed = 42;
function random() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india'];
const pick = () => words[Math.floor(random() * words.length)];

/** JSON text of user-like records, cut to exactly `size` bytes. */
function payload(size) {
  const records = [];
  let text = '';
  while (text.length < size) {
    const id = records.length + 1;
    records.push({
      id,
      name: `${pick()} ${pick()}`,
      email: `${pick()}.${id}@example.com`,
      score: Math.round(random() * 100000) / 100,
      active: random() > 0.5,
      tags: [pick(), pick(), pick()],
      createdAt: new Date(1_700_000_000_000 + Math.floor(random() * 1e10)).toISOString(),
    });
    text = JSON.stringify(records);
  }
  return Buffer.from(text.slice(0, size));
}

/** Mean microseconds per call of `fn`, after a warm-up. */
function time(fn) {
  for (let i = 0; i < 200; i++) fn();
  let runs = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(TIME_PER_CASE_MS) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 50; i++) fn();
    runs += 50;
    now = process.hrtime.bigint();
  }
  return Number(now - start) / 1000 / runs;
}

const formats = {
  zlib: {
    'node:zlib': {
      compress: (d) => zlib.deflateSync(d, { level: LEVEL }),
      decompress: (d) => zlib.inflateSync(d),
    },
    fflate: {
      compress: (d) => fflate.zlibSync(d, { level: LEVEL }),
      decompress: (d) => fflate.unzlibSync(d),
    },
  },
  gzip: {
    'node:zlib': {
      compress: (d) => zlib.gzipSync(d, { level: LEVEL }),
      decompress: (d) => zlib.gunzipSync(d),
    },
    fflate: {
      compress: (d) => fflate.gzipSync(d, { level: LEVEL }),
      decompress: (d) => fflate.gunzipSync(d),
    },
  },
};

const rows = [];
for (const size of [300, 2048, 100 * 1024]) {
  const data = payload(size);
  for (const [format, impls] of Object.entries(formats)) {
    for (const [impl, { compress, decompress }] of Object.entries(impls)) {
      const packed = compress(data);
      // Cross-check: each implementation must read the other's output.
      for (const other of Object.values(impls)) {
        if (!Buffer.from(other.decompress(packed)).equals(data)) throw new Error('mismatch');
      }
      const c = time(() => compress(data));
      const d = time(() => decompress(packed));
      rows.push({ size, format, impl, compressed: packed.length, c, d });
    }
  }
}

const label = (n) => (n >= 1024 ? `${n / 1024} KB` : `${n} B`);
const mbps = (bytes, us) => (bytes / us).toFixed(0); // bytes per µs = MB/s
console.log(`node ${process.version}, level ${LEVEL}, ${TIME_PER_CASE_MS} ms per case`);
console.log(
  '| payload | format | implementation | compressed | compress µs (MB/s) | decompress µs (MB/s) |',
);
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${label(r.size)} | ${r.format} | ${r.impl} | ${r.compressed} B | ${r.c.toFixed(1)} (${mbps(r.size, r.c)}) | ${r.d.toFixed(1)} (${mbps(r.size, r.d)}) |`,
  );
}
