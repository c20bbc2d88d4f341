// Readers' edits of a demo, kept in localStorage across reloads.
//
// Key: `deepnotes:v1:demo:<name>`; value: JSON {source, demoVersion, savedAt}. `demoVersion` is the
// sha of the original source the edit started from, so the page can say when the original changed
// since. Anything unreadable (other versions of the format, hand-edited junk) is ignored.

export const STORAGE_VERSION = "v1";

export function storageKey(name) {
  return `deepnotes:${STORAGE_VERSION}:demo:${name}`;
}

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // blocked (privacy settings, sandboxed iframe)
  }
}

/** The stored edit of demo `name` as {source, demoVersion, savedAt}, or null. */
export function loadEdit(name) {
  const store = storage();
  if (!store) return null;
  let value;
  try {
    value = JSON.parse(store.getItem(storageKey(name)));
  } catch {
    return null;
  }
  if (!value || typeof value !== "object" || typeof value.source !== "string") return null;
  return {
    source: value.source,
    demoVersion: typeof value.demoVersion === "string" ? value.demoVersion : null,
    savedAt: typeof value.savedAt === "number" ? value.savedAt : null,
  };
}

/** Store `source` as the edit of demo `name`; false when storage is unavailable or full. */
export function saveEdit(name, source, demoVersion) {
  const store = storage();
  if (!store) return false;
  try {
    store.setItem(storageKey(name), JSON.stringify({ source, demoVersion, savedAt: Date.now() }));
    return true;
  } catch {
    return false;
  }
}

export function clearEdit(name) {
  const store = storage();
  try {
    store?.removeItem(storageKey(name));
  } catch {
    /* nothing to clear */
  }
}
