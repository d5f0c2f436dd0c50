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
