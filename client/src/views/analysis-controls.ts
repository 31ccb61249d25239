// The controls of an analysis dialog: a select per slot (only the variables that fit, the
// role in its label), one control per option, and reading the form back into choices.
import {
  fittingVariables,
  type Choices,
  type OptionSpec,
  type OptionValue,
  type Slot,
} from '../analyses.ts';
import { h } from '../dom.ts';
import type { Dataset } from '../types.ts';
import { typeWord } from '../var-setup.ts';

/** A control of the form and the value it holds now. */
export type Control = HTMLInputElement | HTMLSelectElement;

function select(
  name: string,
  names: string[],
  many: boolean,
  none: string | null,
  chosen: readonly string[] | undefined,
): HTMLSelectElement {
  const sel = h('select', {
    name,
    multiple: many,
    size: many ? Math.min(6, Math.max(3, names.length)) : 0,
  });
  if (none !== null) sel.append(h('option', { value: '' }, none));
  for (const n of names) sel.append(h('option', { value: n, selected: chosen?.includes(n) }, n));
  return sel;
}

/**
 * The select of one slot, with `chosen` selected. Nothing is chosen for the analyst: a new
 * one-variable slot starts at "(choose)" (a browser would show its first variable as if
 * chosen), and Run says which slot still needs a variable.
 */
export function slotControl(ds: Dataset, s: Slot, chosen?: readonly string[]): HTMLSelectElement {
  const vars = fittingVariables(ds, s);
  const many = s.count === 'many' || s.count === 'any';
  const sel = select(
    s.key,
    vars.map((v) => v.name),
    many,
    s.count === 'optional' ? '(none)' : s.count === 'one' ? '(choose)' : null,
    chosen,
  );
  for (const o of sel.options) {
    const v = vars.find((x) => x.name === o.value);
    if (v) o.textContent = `${v.name} (${typeWord(v.variableType)})`;
  }
  return sel;
}

/** The control of one option, showing `value` (else the option's default). */
export function optionControl(ds: Dataset, o: OptionSpec, value?: OptionValue): Control {
  const v = value ?? o.default;
  if (o.kind === 'variable' || o.kind === 'variables') {
    const names = fittingVariables(ds, { accepts: o.accepts ?? [] }).map((x) => x.name);
    const chosen = Array.isArray(v) ? v : typeof v === 'string' && v !== '' ? [v] : [];
    return select(
      o.key,
      names,
      o.kind === 'variables',
      o.kind === 'variable' ? '(none)' : null,
      chosen,
    );
  }
  if (o.kind === 'choices') {
    const sel = select(o.key, [...(o.choices ?? [])], true, null, Array.isArray(v) ? v : []);
    for (const opt of sel.options) opt.textContent = o.choiceLabels?.[opt.value] ?? opt.value;
    return sel;
  }
  if (o.kind === 'select')
    return h(
      'select',
      { name: o.key },
      (o.choices ?? []).map((c) =>
        h('option', { value: c, selected: c === String(v) }, o.choiceLabels?.[c] ?? c),
      ),
    );
  if (o.kind === 'boolean')
    return h('input', { type: 'checkbox', name: o.key, checked: v === true });
  return h('input', {
    type: o.kind === 'number' ? 'number' : 'text',
    name: o.key,
    value: String(v),
    step: 'any',
    inputMode: o.kind === 'text' ? 'text' : 'decimal',
    autocomplete: 'off',
  });
}

/** The value a control holds, as a dialog's choices keep it. */
export function controlValue(o: OptionSpec, c: Control): OptionValue {
  if (c instanceof HTMLInputElement && c.type === 'checkbox') return c.checked;
  if (c instanceof HTMLSelectElement && (o.kind === 'variables' || o.kind === 'choices'))
    return [...c.selectedOptions].map((x) => x.value);
  return c.value;
}

/** Reads slots and options back into choices. */
export function readChoices(
  slots: readonly [Slot, HTMLSelectElement][],
  options: readonly [OptionSpec, Control][],
): Choices {
  const choices: Choices = { slots: {}, options: {} };
  for (const [s, sel] of slots)
    choices.slots[s.key] = [...sel.selectedOptions].map((o) => o.value).filter((v) => v !== '');
  for (const [o, c] of options) choices.options[o.key] = controlValue(o, c);
  return choices;
}
