// Object names: API.md requires `^[A-Za-z][A-Za-z0-9_.]{0,63}$`, unique in the workspace.

/** The pattern every object name must match. */
const NAME_RE = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;

/** The rule of {@link NAME_RE} in words, shown under a name field that breaks it. */
const NAME_RULE =
  'A name starts with a letter and has only letters, digits, "_" and "." (at most 64).';

/** True when `s` is a valid object name. */
function isValidName(s: string): boolean {
  return NAME_RE.test(s);
}

/**
 * Checks a name typed into a field: shows the naming rule in the field's `error` slot when
 * `s` breaks it (clears the slot when not); true when `s` is valid.
 */
export function checkName(s: string, error: { textContent: string | null }): boolean {
  const ok = isValidName(s);
  error.textContent = ok ? '' : NAME_RULE;
  return ok;
}

/** `prefix` plus the smallest number >= 1 that makes a name not in `taken`. */
export function freshName(prefix: string, taken: (name: string) => boolean): string {
  const p = prefix.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 56);
  for (let i = 1; ; i++) {
    const name = `${p}${i}`;
    if (!taken(name)) return name;
  }
}

/**
 * A stable, valid name for a helper object derived from several parts (e.g. the summary
 * of one variable): readable when short, shortened with a hash when long.
 */
export function derivedName(prefix: string, ...parts: string[]): string {
  const full = [prefix, ...parts].join('.').replace(/[^A-Za-z0-9_.]/g, '_');
  if (full.length <= 64) return full;
  let h = 5381;
  for (let i = 0; i < full.length; i++) h = ((h * 33) ^ full.charCodeAt(i)) >>> 0;
  return `${full.slice(0, 55)}.${h.toString(36)}`;
}
