import { parseArn } from './arn';
import { stackNameOf } from './entitlement';

describe('parseArn', () => {
  it.each([
    [
      'arn:aws:cloudformation:eu-west-1:123456789012:stack/orders-pipeline/1f2e3d4c-0000-4000-8000-000000000001',
      {
        partition: 'aws',
        service: 'cloudformation',
        region: 'eu-west-1',
        account: '123456789012',
        resource: 'stack/orders-pipeline/1f2e3d4c-0000-4000-8000-000000000001',
      },
    ],
    [
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:monorepo-triggers-eval:live',
      {
        partition: 'aws-cn',
        service: 'lambda',
        region: 'cn-north-1',
        account: '123456789012',
        resource: 'function:monorepo-triggers-eval:live',
      },
    ],
    ['arn:aws:s3:::bucket/key', { partition: 'aws', service: 's3', region: '', account: '', resource: 'bucket/key' }],
  ])('%s', (arn, parts) => {
    expect(parseArn(arn)).toEqual(parts);
  });

  it.each(['', 'not-an-arn', 'arn:aws:lambda', 'arn:aws:lambda:eu-west-1:1:'])('%j is not an ARN', (text) => {
    expect(parseArn(text)).toBeUndefined();
  });

  it('gives stackNameOf the stack name of a stack ARN, and nothing for another service', () => {
    expect(stackNameOf('arn:aws:cloudformation:eu-west-1:123456789012:stack/orders/uuid')).toBe('orders');
    expect(stackNameOf('arn:aws:lambda:eu-west-1:123456789012:function:orders')).toBeUndefined();
  });
});
