// Preference sets: which one is current (remembered in this browser), its graph
// settings, and saving each change the moment it is made (PUT, stored before answered).
import { api, messageOf } from './api.ts';
import { toast } from './dom.ts';
import { defaultSettings, normalizeSettings, type GraphSettings } from './settings.ts';

const CURRENT_KEY = 'panthr.preferenceSet';

/**
 * A stored set as `GET /api/v1/preferences/:name` answers it (the JSON object itself): its
 * keys besides the graph settings (another client's table or menu defaults) are kept and
 * saved back with it.
 */
function setOf(raw: unknown): Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw)
    ? (raw as Record<string, unknown>)
    : {};
}

/** Refuses a name already taken: creating or renaming onto it would overwrite that set. */
function refuseTaken(names: readonly string[], name: string): void {
  if (names.includes(name)) throw new Error(`A preference set called "${name}" already exists.`);
}

/** The user's preference sets and the current one. */
export class PrefsStore {
  names: string[] = [];
  current = 'default';
  settings: GraphSettings = defaultSettings();
  /** The current set as stored, keys this client does not know included. */
  private stored: Record<string, unknown> = {};

  /** The current set to store: as it was, with the settings as they are now. */
  private get whole(): Record<string, unknown> {
    return { ...this.stored, ...this.settings };
  }
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** The last save; never rejects (its caller reports the failure). */
  private saving: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  /** Calls `fn` after the current set or its settings change. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }

  /** Loads the list and the current set (the remembered one, else the first, else defaults). */
  async load(): Promise<void> {
    this.names = await api.prefNames();
    const remembered = localStorage.getItem(CURRENT_KEY);
    const name =
      remembered !== null && this.names.includes(remembered)
        ? remembered
        : (this.names[0] ?? 'default');
    await this.select(name);
  }

  /** Makes `name` current and loads its settings (defaults if it is not stored yet). */
  async select(name: string): Promise<void> {
    await this.flush();
    this.current = name;
    localStorage.setItem(CURRENT_KEY, name);
    this.stored = this.names.includes(name) ? setOf(await api.getPrefs(name)) : {};
    this.settings = this.names.includes(name) ? normalizeSettings(this.stored) : defaultSettings();
    this.emit();
  }

  /** Changes the current settings; they are saved right away (coalesced over 200 ms). */
  update(settings: GraphSettings): void {
    this.settings = settings;
    this.emit();
    if (this.saveTimer !== null) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.flush().catch((e: unknown) =>
        toast(`Your preferences could not be saved: ${messageOf(e)}`, 'error'),
      );
    }, 200);
  }

  /**
   * Saves a pending change now; resolves when the server has stored it (and any save
   * before it has ended), rejects when this call's save failed. A failed save is reported
   * once, by its caller, and does not stop the saves after it.
   */
  async flush(): Promise<void> {
    if (this.saveTimer === null) return this.saving;
    clearTimeout(this.saveTimer);
    this.saveTimer = null;
    const name = this.current;
    const value = this.whole;
    const put = this.saving.then(() => api.putPrefs(name, value));
    this.saving = put.then(
      () => undefined,
      () => undefined,
    );
    if (!this.names.includes(name)) this.names = [...this.names, name];
    await put;
  }

  /** Creates a set called `name` from the defaults and makes it current; rejects a taken name. */
  async create(name: string): Promise<void> {
    await this.flush(); // first: a pending save may store the current set under `name`
    refuseTaken(this.names, name);
    await api.putPrefs(name, defaultSettings());
    this.names = [...this.names, name];
    await this.select(name);
  }

  /**
   * Renames a set: stores it under the new name, then deletes the old one. Rejects a name
   * taken by another set; the set's own name changes nothing.
   */
  async rename(from: string, to: string): Promise<void> {
    if (to === from) return;
    await this.flush();
    refuseTaken(this.names, to);
    const value = from === this.current ? this.whole : setOf(await api.getPrefs(from));
    await api.putPrefs(to, value);
    if (this.names.includes(from)) await api.deletePrefs(from);
    this.names = [...this.names.filter((n) => n !== from), to];
    if (this.current === from) await this.select(to);
    else this.emit();
  }

  /** Deletes a set; the first remaining one (or defaults) becomes current. */
  async remove(name: string): Promise<void> {
    await this.flush();
    if (this.names.includes(name)) await api.deletePrefs(name);
    this.names = this.names.filter((n) => n !== name);
    if (this.current === name) await this.select(this.names[0] ?? 'default');
    else this.emit();
  }
}
