// Which boot the worker takes, and the snapshot's bytes. Both boots are compiled for
// Pyodide at build time (overrides/precompiled.py):
//  - "snapshot" restores the memory of a runtime that already imported the engine and
//    loaded the rules, so it answers at once; the snapshot is the largest download;
//  - "bytecode" boots from the trimmed .pyc stdlib and the precompiled engine: the least
//    to download.
// A failed snapshot (missing, corrupt, refused, another build) falls back to "bytecode"
// in worker.js, so the box still answers.

// The snapshot pays for its bytes only on a fast link. The browser's own estimate
// (navigator.connection) is coarse: Chrome caps downlink at 10 Mbit/s and, before any
// traffic, reports defaults (headless Chromium: about 1.4 Mbit/s, 100 ms), so only what
// the reader asked for (saveData) and a clearly slow link (effectiveType below 4g) count.
export function chooseBoot(files, navigator, canDecompress) {
  if (!files.snapshot || !canDecompress) return "bytecode";
  const link = navigator && navigator.connection;
  if (link && link.saveData) return "bytecode";
  if (link && link.effectiveType && link.effectiveType !== "4g") return "bytecode";
  return "snapshot";
}

// On a link that passed chooseBoot, the bytes decide: the snapshot downloads more (its
// gzip against the engine's bytecode and the rules) to save Python's start-up. The build
// works out the link speed above which that pays (manifest snapshot.pays_above, bytes/s,
// overrides/assets.py); the worker times the runtime's first downloads, which both boots
// need, before it picks. Chrome's navigator.connection cannot tell 20 Mbit/s from a fast
// link (downlink is capped at 10 Mbit/s), so it cannot make this choice.
export function snapshotPays(files, bytesPerSecond) {
  return Boolean(files.snapshot) && bytesPerSecond >= (files.snapshot.pays_above || 0);
}

const GZIP_MAGIC = [0x1f, 0x8b];

// The snapshot is shipped as .gz; a host that serves it with Content-Encoding: gzip has
// already decoded it (then it starts with Pyodide's own magic number, not gzip's). It is
// gunzipped as it arrives, so the download and the decoding overlap. The build left out
// its long runs of zeros: `segments` ([offset, length], in order; manifest
// snapshot.segments) say where the bytes it holds go in the zeroed memory of `size`.
export async function snapshotBytes(body, size, segments = [[0, size]]) {
  const reader = body.getReader();
  const head = [];
  let headLength = 0;
  while (headLength < GZIP_MAGIC.length) { // enough bytes to tell
    const { done, value } = await reader.read();
    if (done) break;
    head.push(value);
    headLength += value.length;
  }
  const start = new Uint8Array(await new Blob(head).arrayBuffer());
  const again = new ReadableStream({ // the bytes read so far, then the rest
    start(controller) {
      controller.enqueue(start);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const gzipped = start[0] === GZIP_MAGIC[0] && start[1] === GZIP_MAGIC[1];
  const out = new Uint8Array(size);
  let segment = 0; // the segment being filled
  let filled = 0; // bytes of it so far
  for await (let chunk of gzipped ? again.pipeThrough(new DecompressionStream("gzip")) : again) {
    while (chunk.length) {
      if (segment === segments.length) throw new Error("the snapshot is larger than the manifest says");
      const [offset, length] = segments[segment];
      const n = Math.min(length - filled, chunk.length);
      out.set(chunk.subarray(0, n), offset + filled);
      filled += n;
      chunk = chunk.subarray(n);
      if (filled === length) {
        segment += 1;
        filled = 0;
      }
    }
  }
  if (segment !== segments.length) throw new Error("the snapshot is shorter than the manifest says");
  return out;
}
