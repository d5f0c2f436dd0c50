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
// already decoded it (then it starts with Pyodide's own magic number, not gzip's).
export async function snapshotBytes(body, size) {
  const raw = new Uint8Array(body);
  if (raw[0] !== GZIP_MAGIC[0] || raw[1] !== GZIP_MAGIC[1]) return raw;
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream("gzip"));
  const out = new Uint8Array(size);
  let at = 0;
  for await (const chunk of stream) {
    if (at + chunk.length > out.length) throw new Error("the snapshot is larger than the manifest says");
    out.set(chunk, at);
    at += chunk.length;
  }
  if (at !== out.length) throw new Error("the snapshot is shorter than the manifest says");
  return out;
}
