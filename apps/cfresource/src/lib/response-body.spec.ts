import { redactUrl, responseBody } from './response-body';

const request = { StackId: 'arn:stack', RequestId: 'req', LogicalResourceId: 'Trigger' };
/** CloudFormation's documented limit on a custom resource's response, written here by hand. */
const CLOUDFORMATION_RESPONSE_BYTES = 4096;

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
    // As long as fits, no longer: a limit set too high or too low in the code fails here.
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(CLOUDFORMATION_RESPONSE_BYTES);
    expect(Buffer.byteLength(body)).toBeGreaterThan(CLOUDFORMATION_RESPONSE_BYTES - 20);
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
