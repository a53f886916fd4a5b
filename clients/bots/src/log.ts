// Structured logging: one JSON object per line, one line per action a bot takes or decides not
// to take (bot, action, the ids and amounts involved, the tx hash, the outcome).

export type LogFields = Record<string, unknown>;
export type Logger = (fields: LogFields) => void;

/** A logger writing JSON lines to `out` (stdout by default), each with an ISO `time`. */
export function jsonLogger(out: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  return (fields) => out(JSON.stringify({ time: new Date().toISOString(), ...fields }, bigintReplacer));
}

/** A logger that keeps the entries (tests). */
export function memoryLogger(): Logger & { entries: LogFields[] } {
  const entries: LogFields[] = [];
  const log = ((fields: LogFields) => {
    entries.push(JSON.parse(JSON.stringify(fields, bigintReplacer)) as LogFields);
  }) as Logger & { entries: LogFields[] };
  log.entries = entries;
  return log;
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
