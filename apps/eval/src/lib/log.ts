/** Structured JSON logging: one line per event, the delivery id on every line. */
export type Logger = (fields: Record<string, unknown>) => void;

export function createLogger(base: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  return (fields) => write(JSON.stringify({ time: new Date().toISOString(), ...base, ...fields }) + '\n');
}
