// Structured logs: one JSON object per line, which Workers Logs indexes field by field.

export type LogFields = Record<string, unknown>;

export function log(level: 'info' | 'warn' | 'error', message: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, message, ...fields, time: new Date().toISOString() });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/** A short, sortable, unguessable id: `<prefix>_<ms base36><random hex>`. */
export function newId(prefix: string): string {
  const random = crypto.getRandomValues(new Uint8Array(6));
  return `${prefix}_${Date.now().toString(36)}${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
