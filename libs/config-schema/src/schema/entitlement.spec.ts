import { ENTITLEMENT_TAG, entitlementOf, OWNER_STACKS_TAG, stackNameOf } from './entitlement';

const STACK = (name: string) => `arn:aws:cloudformation:eu-west-1:123456789012:stack/${name}/0f1e2d3c`;

// Each row: the pipeline's tags, who the config speaks for, and whether the pipeline agrees.
describe('entitlementOf', () => {
  it.each([
    ['tagged for the repository', { [ENTITLEMENT_TAG]: 'acme/platform' }, { repository: 'acme/platform' }, true],
    ['tagged in another case', { [ENTITLEMENT_TAG]: 'Acme/Platform ' }, { repository: 'acme/PLATFORM' }, true],
    [
      'tagged for several repositories, this one among them',
      { [ENTITLEMENT_TAG]: 'acme/web  acme/platform' },
      { repository: 'acme/platform' },
      true,
    ],
    ['tagged for several repositories, not this one', { [ENTITLEMENT_TAG]: 'acme/web acme/platform' }, { repository: 'acme/plat' }, false],
    ['tagged with an empty value', { [ENTITLEMENT_TAG]: '' }, { repository: 'acme/platform' }, false],
    ['tagged for another repository', { [ENTITLEMENT_TAG]: 'acme/platform' }, { repository: 'acme/evil-sandbox' }, false],
    ['tagged with a prefix of the repository', { [ENTITLEMENT_TAG]: 'acme/plat' }, { repository: 'acme/platform' }, false],
    ['not tagged', { Team: 'orders' }, { repository: 'acme/platform' }, false],
    ['missing', undefined, { repository: 'acme/platform' }, false],
    [
      'taking triggers from the owning stack',
      { [ENTITLEMENT_TAG]: 'acme/platform', [OWNER_STACKS_TAG]: 'orders-pipeline' },
      { repository: 'acme/platform', ownerStackId: STACK('orders-pipeline') },
      true,
    ],
    [
      'taking triggers from several stacks, the owner among them',
      { [ENTITLEMENT_TAG]: 'acme/platform', [OWNER_STACKS_TAG]: 'orders-triggers orders-pipeline' },
      { repository: 'acme/platform', ownerStackId: STACK('orders-pipeline') },
      true,
    ],
    [
      "taking triggers from another team's stack",
      { [ENTITLEMENT_TAG]: 'acme/platform', [OWNER_STACKS_TAG]: 'orders-pipeline' },
      { repository: 'acme/platform', ownerStackId: STACK('billing-pipeline') },
      false,
    ],
    [
      'taking triggers from a stack whose name the owner only starts with',
      { [ENTITLEMENT_TAG]: 'acme/platform', [OWNER_STACKS_TAG]: 'orders' },
      { repository: 'acme/platform', ownerStackId: STACK('orders-pipeline') },
      false,
    ],
    [
      'taking triggers from a stack, for a config no stack owns',
      { [ENTITLEMENT_TAG]: 'acme/platform', [OWNER_STACKS_TAG]: 'orders-pipeline' },
      { repository: 'acme/platform' },
      false,
    ],
    [
      'taking triggers from a stack, for an owner that is not a stack ARN',
      { [ENTITLEMENT_TAG]: 'acme/platform', [OWNER_STACKS_TAG]: 'orders-pipeline' },
      { repository: 'acme/platform', ownerStackId: 'orders-pipeline' },
      false,
    ],
  ])('a pipeline %s', (_name, tags, claim, entitled) => {
    expect(entitlementOf('p', tags, claim).entitled).toBe(entitled);
  });

  it('says why not, with the tag to set', () => {
    expect(entitlementOf('orders', {}, { repository: 'acme/platform' })).toEqual({
      entitled: false,
      reason: `pipeline orders has no ${ENTITLEMENT_TAG} tag: tag it with the repository whose pushes may start it (acme/platform)`,
    });
    expect(
      entitlementOf(
        'orders',
        { [ENTITLEMENT_TAG]: 'acme/platform', [OWNER_STACKS_TAG]: 'orders-pipeline' },
        { repository: 'acme/platform', ownerStackId: STACK('billing') },
      ),
    ).toEqual({
      entitled: false,
      reason: `pipeline orders takes triggers only from stack orders-pipeline (its ${OWNER_STACKS_TAG} tag), not from stack billing`,
    });
  });
});

describe('stackNameOf', () => {
  it.each([
    [STACK('orders-pipeline'), 'orders-pipeline'],
    ['arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/a/b/c', 'a'],
    ['orders-pipeline', undefined],
    ['arn:aws:lambda:eu-west-1:123456789012:function:x', undefined],
  ])('%s → %s', (arn, name) => {
    expect(stackNameOf(arn)).toBe(name);
  });
});
