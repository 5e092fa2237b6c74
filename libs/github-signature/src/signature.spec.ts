import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { sign, verify } from './signature';

// GitHub's published test vector:
// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
const VECTOR = {
  secret: "It's a Secret to Everybody",
  payload: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

/** Asks the real @octokit/webhooks-methods (ESM only) for signatures, in a separate Node process. */
function octokitSign(cases: { secret: string; payload: string }[]): { signature: string; verified: boolean }[] {
  const script = `
    import { sign, verify } from '@octokit/webhooks-methods';
    const cases = JSON.parse(await new Promise((r) => { let s = ''; process.stdin.on('data', (c) => (s += c)); process.stdin.on('end', () => r(s)); }));
    const out = [];
    for (const c of cases) { const signature = await sign(c.secret, c.payload); out.push({ signature, verified: await verify(c.secret, c.payload, signature) }); }
    process.stdout.write(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    input: JSON.stringify(cases),
    cwd: __dirname,
  });
  return JSON.parse(stdout.toString('utf8'));
}

function randomText(): string {
  const alphabet = ['a', 'Z', '0', ' ', '"', '{', '}', '\n', 'é', 'ß', '中', '文', '🚀', '\u0000', '\u2028'];
  return Array.from({ length: randomInt(0, 400) }, () => alphabet[randomInt(alphabet.length)]).join('');
}

describe('sign', () => {
  it("matches GitHub's published test vector", () => {
    expect(sign(VECTOR.secret, VECTOR.payload)).toBe(VECTOR.signature);
  });

  it('signs the same bytes identically as a string and as a Buffer', () => {
    const text = '{"ref":"refs/heads/main","emoji":"🚀"}';
    expect(sign('s', Buffer.from(text, 'utf8'))).toBe(sign('s', text));
  });

  it('refuses an empty secret', () => {
    expect(() => sign('', 'x')).toThrow(/\[github-signature\].*secret/);
  });

  it('signs an empty body like openssl does (octokit refuses empty payloads)', () => {
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-hmac', VECTOR.secret], { input: '' }).toString();
    const hex = /([0-9a-f]{64})\s*$/.exec(openssl)?.[1];
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expect(sign(VECTOR.secret, '')).toBe(`sha256=${hex}`);
  });

  it('agrees with @octokit/webhooks-methods on random bodies, including non-ASCII', () => {
    const cases = [
      { secret: 'ünïcödé-secret', payload: '{"name":"Ωmega","path":"docs/日本語.md"}' },
      ...Array.from({ length: 50 }, () => ({ secret: randomBytes(randomInt(1, 40)).toString('base64'), payload: 'x' + randomText() })),
    ];
    const theirs = octokitSign(cases);
    expect(theirs).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      expect(sign(c.secret, c.payload)).toBe(theirs[i]?.signature);
      expect(theirs[i]?.verified).toBe(true);
      expect(verify({ secrets: [c.secret], body: Buffer.from(c.payload, 'utf8'), signatureHeader: theirs[i]?.signature })).toEqual({
        valid: true,
        secretIndex: 0,
      });
    });
  });
});

describe('verify', () => {
  const body = Buffer.from(VECTOR.payload);

  it("accepts GitHub's published test vector", () => {
    expect(verify({ secrets: [VECTOR.secret], body, signatureHeader: VECTOR.signature })).toEqual({ valid: true, secretIndex: 0 });
  });

  it('accepts an upper-case hex digest', () => {
    const upper = 'sha256=' + VECTOR.signature.slice(7).toUpperCase();
    expect(verify({ secrets: [VECTOR.secret], body, signatureHeader: upper }).valid).toBe(true);
  });

  it('accepts the previous secret during rotation and says which one matched', () => {
    const signature = sign('old-secret', body);
    expect(verify({ secrets: ['new-secret', 'old-secret'], body, signatureHeader: signature })).toEqual({ valid: true, secretIndex: 1 });
  });

  it('ignores unset secrets in the list', () => {
    expect(verify({ secrets: [VECTOR.secret, undefined, ''], body, signatureHeader: VECTOR.signature }).valid).toBe(true);
    expect(verify({ secrets: [undefined, ''], body, signatureHeader: VECTOR.signature })).toEqual({ valid: false, reason: 'no-secret' });
  });

  it('rejects a signature made with another secret', () => {
    expect(verify({ secrets: ['another'], body, signatureHeader: VECTOR.signature })).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('rejects a valid signature over a different body', () => {
    expect(verify({ secrets: [VECTOR.secret], body: Buffer.from('Hello, World?'), signatureHeader: VECTOR.signature })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it.each([
    ['missing', undefined, 'missing-signature'],
    ['null', null, 'missing-signature'],
    ['empty', '', 'missing-signature'],
    ['sha1 prefix', 'sha1=' + VECTOR.signature.slice(7), 'malformed-signature'],
    ['no prefix', VECTOR.signature.slice(7), 'malformed-signature'],
    ['too short', VECTOR.signature.slice(0, -2), 'malformed-signature'],
    ['too long', VECTOR.signature + '00', 'malformed-signature'],
    ['non-hex digest', 'sha256=' + 'z'.repeat(64), 'malformed-signature'],
    ['trailing whitespace', VECTOR.signature + ' ', 'malformed-signature'],
  ] as const)('rejects a %s header without throwing', (_name, header, reason) => {
    expect(verify({ secrets: [VECTOR.secret], body, signatureHeader: header })).toEqual({ valid: false, reason });
  });

  it('takes the first value of a repeated header', () => {
    expect(verify({ secrets: [VECTOR.secret], body, signatureHeader: [VECTOR.signature, 'sha256=00'] }).valid).toBe(true);
  });
});
