// The messages between the page and worker.js, named once for both sides.
//   page -> worker: {type: START}, {type: DIAGNOSE | REDACT | PLAYGROUND | MCP, id, ...fields}
//   worker -> page: {type: PROGRESS, stage, loaded?, total?, files?}, {type: READY, timings},
//                   {type: RESULT, id, result},
//                   {type: ERROR, id?, message} (no id: the runtime could not start)
// The worker starts booting as soon as it is created; START asks it to answer READY once
// booted, so a page that adopts an already running worker still learns that it is ready.
// PROGRESS carries the bytes of runtime files received (`loaded`), their declared total
// (`total`, null when a compressed transfer hides it) and the files still downloading.

export const START = "start";
export const PROGRESS = "progress";
export const READY = "ready";
export const RESULT = "result";
export const ERROR = "error";

// What the page can ask for; worker.js has one handler for each.
export const DIAGNOSE = "diagnose"; // {text} -> engine.web.diagnose
export const REDACT = "redact"; // {text, limit?} -> engine.web.redact
export const PLAYGROUND = "playground"; // {yaml, paste} -> engine.web.check_rule
export const MCP = "mcp"; // {action: "build" | "check", ...} -> engine.web.mcp
export const REQUESTS = Object.freeze([DIAGNOSE, REDACT, PLAYGROUND, MCP]);

/** A request the page sends, with its reply's id. */
export const request = (type, id, fields) => ({ ...fields, type, id });

/** The worker's messages. */
export const progress = (stage, bytes) => ({ ...bytes, type: PROGRESS, stage });
export const ready = (timings) => ({ type: READY, timings });
export const result = (id, value) => ({ type: RESULT, id, result: value });
export const failure = (message, id) => (id === undefined ? { type: ERROR, message } : { type: ERROR, id, message });
