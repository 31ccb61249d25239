// Where the user is: Workspace > Dataset > Variable, kept in the URL's hash so a reload
// comes back to the same place, and remembered per workspace for the next login. DOM-free
// apart from the caller handing in the hash.

/** A place in the Workspace > Dataset > Variable hierarchy. */
export type Route =
  | { view: 'workspace' }
  | { view: 'dataset'; dataset: string }
  | { view: 'variable'; dataset: string; variable: string };

/** The hash for a route, e.g. `#/d/iris/v/Sepal.Length`. */
export function routeToHash(r: Route): string {
  const e = encodeURIComponent;
  if (r.view === 'workspace') return '#/';
  if (r.view === 'dataset') return `#/d/${e(r.dataset)}`;
  return `#/d/${e(r.dataset)}/v/${e(r.variable)}`;
}

/** The route a hash names; the workspace for anything else. */
export function hashToRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return '';
      }
    });
  if (parts[0] === 'd' && parts[1]) {
    if (parts[2] === 'v' && parts[3])
      return { view: 'variable', dataset: parts[1], variable: parts[3] };
    return { view: 'dataset', dataset: parts[1] };
  }
  return { view: 'workspace' };
}
