/**
 * A secret as stored in Secrets Manager: a plain string, or during a rotation a JSON document
 * `{"current": "...", "previous": "..."}` so that both are accepted until the old one is dropped.
 * Returns the values to accept, current first; an empty list for an empty secret.
 */
export function secretValues(secretString: string): string[] {
  const text = secretString.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return [text];
    }
    const { current, previous } = (parsed ?? {}) as { current?: unknown; previous?: unknown };
    if (typeof current !== 'string' || current === '') throw new Error('the secret is JSON but has no "current" string');
    return typeof previous === 'string' && previous !== '' ? [current, previous] : [current];
  }
  return text === '' ? [] : [text];
}
