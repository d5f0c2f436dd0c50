// Where the site lives, as the page's own configuration says.

function siteRoot() {
  const config = document.getElementById("__config");
  let base = ".";
  try {
    base = JSON.parse(config.textContent).base || ".";
  } catch (_) {
    /* keep "." */
  }
  return new URL(base.replace(/\/?$/, "/"), location.href);
}

// The site root on this origin, fixed at first load: instant navigation keeps modules alive.
export const ROOT = siteRoot();

/**
 * Whether the reader's connection is metered or slow, as the browser says (Network
 * Information API, Chromium only: https://wicg.github.io/netinfo/): Data Saver on, or an
 * effective type of 3g or slower. There the runtime (megabytes) waits for the reader.
 */
export function metered() {
  const connection = navigator.connection;
  if (!connection) return false;
  return Boolean(connection.saveData) || /^(slow-2g|2g|3g)$/.test(String(connection.effectiveType || ""));
}

/** Run `fn` when the page is idle (soon, where the browser cannot say). */
export const whenIdle = (fn) => (window.requestIdleCallback || ((f) => setTimeout(f, 200)))(fn);

/** A URL the template rendered from mkdocs.yml into a data attribute (`name` as in dataset), or null. */
export function configured(root, name) {
  const value = root && root.dataset[name];
  if (!value) return null;
  try {
    return new URL(value.replace(/\/?$/, "/"));
  } catch (_) {
    return null;
  }
}
