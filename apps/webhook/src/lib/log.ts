/** Writes one structured JSON log line (CloudWatch indexes the fields). */
export function logLine(fields: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...fields }) + '\n');
}
