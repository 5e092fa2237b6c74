import { MAX_RESPONSE_BYTES, redactUrl, responseBody } from './response-body';

const request = { StackId: 'arn:stack', RequestId: 'req', LogicalResourceId: 'Trigger' };

describe('responseBody', () => {
  it('keeps a short reason whole', () => {
    expect(
      JSON.parse(responseBody(request, { status: 'SUCCESS', reason: 'ok', physicalResourceId: 'k', data: { ConfigKey: 'k' } })),
    ).toEqual({
      Status: 'SUCCESS',
      Reason: 'ok',
      PhysicalResourceId: 'k',
      StackId: 'arn:stack',
      RequestId: 'req',
      LogicalResourceId: 'Trigger',
      Data: { ConfigKey: 'k' },
    });
  });

  it.each([
    ['ASCII', 'x'.repeat(10_000)],
    ['multi-byte', '日本語🚀'.repeat(2_000)],
  ])('truncates a long %s reason to fit 4,096 bytes, never the required fields', (_name, reason) => {
    const body = responseBody(request, { status: 'FAILED', reason, physicalResourceId: 'marker' });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_RESPONSE_BYTES - 20);
    const parsed = JSON.parse(body);
    expect(parsed).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'marker',
      StackId: 'arn:stack',
      RequestId: 'req',
      LogicalResourceId: 'Trigger',
    });
    expect(parsed.Reason).toMatch(/ \[truncated\]$/);
  });
});

describe('redactUrl', () => {
  it('drops the pre-signed query string', () => {
    expect(redactUrl('https://bucket.s3.amazonaws.com/key?X-Amz-Signature=abc')).toBe('https://bucket.s3.amazonaws.com/key?[redacted]');
    expect(redactUrl('https://x/y')).toBe('https://x/y');
  });
});
