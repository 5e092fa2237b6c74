import * as z from 'zod/mini';
import { booleanVariable, parseEnvironment, trimSlashes } from '../index';

describe('parseEnvironment', () => {
  const schema = z.object({ SECRET: z.string().check(z.minLength(1, 'is required')), FLAG: booleanVariable });

  it('returns the parsed settings', () => {
    expect(parseEnvironment(schema, { SECRET: 's', FLAG: 'true' }, 'test')).toEqual({ SECRET: 's', FLAG: true });
    expect(parseEnvironment(schema, { SECRET: 's' }, 'test')).toEqual({ SECRET: 's', FLAG: false });
  });

  it('names the variable and the component, never the value', () => {
    const attempt = () => parseEnvironment(schema, { SECRET: '', FLAG: 'hunter2' }, 'webhook');
    expect(attempt).toThrow(/^webhook: invalid configuration: SECRET: is required; FLAG: /);
    expect(attempt).not.toThrow(/hunter2/);
  });

  it("words zod's own rules in English, not zod/mini's bare 'Invalid input'", () => {
    expect(() => parseEnvironment(schema, { SECRET: 's', FLAG: 'yes' }, 'eval')).toThrow(
      /FLAG: Invalid option: expected one of "true"\|"false"\|""/,
    );
  });
});

describe('trimSlashes', () => {
  it.each([
    ['/a/b/', 'a/b'],
    ['a', 'a'],
    ['', ''],
  ])('%j becomes %j', (input, output) => expect(trimSlashes(input)).toBe(output));
});
