// Where directUpload keeps its checkpoints, so a reload or a crash resumes:
// IndexedDB by default. Any object with these async methods will do:
//   get(id) -> value | undefined, set(id, value), delete(id), entries() -> [[id, value]]
// Values are small plain objects (no file contents).

/** @param {string} [name] the IndexedDB database */
export function indexedDbStore(name = 's3mpu-direct') {
  let db;
  const open = () => {
    db ??= new Promise((resolve, reject) => {
      const r = indexedDB.open(name, 1);
      r.onupgradeneeded = () => r.result.createObjectStore('uploads');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    return db;
  };
  const tx = async (mode, fn) => {
    const d = await open();
    return new Promise((resolve, reject) => {
      const t = d.transaction('uploads', mode);
      const r = fn(t.objectStore('uploads'));
      t.oncomplete = () => resolve(r?.result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  };
  return {
    get: (id) => tx('readonly', (s) => s.get(id)),
    set: (id, value) => tx('readwrite', (s) => s.put(value, id)).then(() => undefined),
    delete: (id) => tx('readwrite', (s) => s.delete(id)).then(() => undefined),
    entries: async () => {
      const [keys, values] = await Promise.all([tx('readonly', (s) => s.getAllKeys()), tx('readonly', (s) => s.getAll())]);
      return keys.map((k, i) => [k, values[i]]);
    },
  };
}

/** A store in memory (tests; runtimes without IndexedDB): nothing survives a reload. */
export function memoryStore() {
  const m = new Map();
  return {
    get: async (id) => structuredClone(m.get(id)),
    set: async (id, value) => void m.set(id, structuredClone(value)),
    delete: async (id) => void m.delete(id),
    entries: async () => [...m].map(([k, v]) => [k, structuredClone(v)]),
  };
}

/** The default: IndexedDB where there is one. */
export function defaultStore() {
  return typeof indexedDB === 'undefined' ? memoryStore() : indexedDbStore();
}
