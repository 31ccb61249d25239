// Reopening a result: which menu entry made a stored request object, and the dialog choices
// that build it again (jamovi's editable analyses). DOM-free.
import { ANALYSES, type Analysis, type Choices, type OptionValue } from './analyses.ts';
import {
  isAnalysisRequest,
  kindOf,
  type AnalysisRequest,
  type Dataset,
  type PObject,
} from './types.ts';

// Built-in graphs have no options; a report's are keys of the request itself
// (descriptives' `statistics`), a test's are its `options`.
const optionsOf = (o: AnalysisRequest): Readonly<Record<string, unknown>> =>
  o.type === 'report' ? o : (('options' in o ? o.options : undefined) ?? {});

/** The fewest and most variables `a` takes. */
function arity(a: Analysis): [number, number] {
  let min = 0;
  let max = 0;
  for (const s of a.slots) {
    if (s.key === 'by') continue;
    if (s.count === 'one' || s.count === 'many') min += s.min ?? 1;
    max += s.count === 'many' || s.count === 'any' ? Infinity : 1;
  }
  return [min, max];
}

/** The menu entry whose request `o` is (its fixed options and variable count fit), if any. */
export function analysisOf(o: PObject): Analysis | undefined {
  if (!isAnalysisRequest(o)) return undefined;
  const opts = optionsOf(o);
  const n = o.variables.length;
  const fits = ANALYSES.filter((a) => {
    if (a.kind !== o.type || a.wire !== kindOf(o)) return false;
    const [min, max] = arity(a);
    return n >= min && n <= max;
  });
  // An entry whose fixed options all hold wins over one without (paired before unpaired).
  const fixedHold = (a: Analysis): boolean =>
    Object.entries(a.fixed ?? {}).every(([k, v]) => opts[k] === v);
  return (
    fits.find((a) => a.fixed !== undefined && fixedHold(a)) ??
    fits.find((a) => a.fixed === undefined || fixedHold(a))
  );
}

/** Hands the variables of a request back to `a`'s slots in order, by type where it is open. */
function slotsOf(
  a: Analysis,
  o: AnalysisRequest,
  ds: Dataset | undefined,
): Record<string, string[]> {
  const vars = o.variables;
  const typeOf = (name: string): string | undefined =>
    ds?.variables.find((v) => v.name === name)?.variableType;
  const slots: Record<string, string[]> = {};
  let i = 0;
  a.slots.forEach((s, k) => {
    if (s.key === 'by') {
      slots[s.key] = o.type === 'report' && o.by !== undefined ? [o.by] : [];
      return;
    }
    const later = a.slots.slice(k + 1).filter((t) => t.count === 'one' || t.count === 'many');
    const keep = later.reduce((n, t) => n + (t.min ?? 1), 0);
    const taken: string[] = [];
    const fits = (name: string): boolean => {
      const t = typeOf(name);
      return t === undefined || (s.accepts as readonly string[]).includes(t);
    };
    const most = s.count === 'many' || s.count === 'any' ? Infinity : 1;
    while (taken.length < most && i < vars.length - keep) {
      const v = vars[i] as string;
      if (s.count !== 'one' && !fits(v)) break;
      taken.push(v);
      i++;
    }
    slots[s.key] = taken;
  });
  return slots;
}

/** The choices that rebuild `o` with `a` in the dialog (options as the form shows them). */
export function choicesOf(a: Analysis, o: AnalysisRequest, ds: Dataset | undefined): Choices {
  const opts = optionsOf(o);
  const options: Record<string, OptionValue> = {};
  for (const spec of a.options) {
    const v = opts[spec.key];
    if (v === undefined) continue;
    if (Array.isArray(v))
      options[spec.key] = spec.kind === 'numbers' ? v.join(', ') : v.map(String);
    else if (typeof v === 'string' || typeof v === 'boolean')
      options[spec.key] = spec.kind === 'select' && typeof v === 'boolean' ? String(v) : v;
    else if (typeof v === 'number') options[spec.key] = spec.kind === 'select' ? String(v) : v;
  }
  const choices: Choices = { slots: slotsOf(a, o, ds), options };
  if (o.filter !== undefined) choices.filter = o.filter;
  if (o.label !== undefined && a.kind === 'graph') choices.label = o.label;
  return choices;
}
