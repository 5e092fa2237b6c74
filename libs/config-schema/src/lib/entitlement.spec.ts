import { ENTITLEMENT_TAG, entitlementOf } from './entitlement';

describe('entitlementOf', () => {
  it.each([
    ['tagged for the repository', { [ENTITLEMENT_TAG]: 'acme/platform' }, 'acme/platform', true],
    ['tagged in another case', { [ENTITLEMENT_TAG]: 'Acme/Platform ' }, 'acme/PLATFORM', true],
    ['tagged for another repository', { [ENTITLEMENT_TAG]: 'acme/platform' }, 'acme/evil-sandbox', false],
    ['tagged with a prefix of the repository', { [ENTITLEMENT_TAG]: 'acme/plat' }, 'acme/platform', false],
    ['tagged for several repositories, this one among them', { [ENTITLEMENT_TAG]: 'acme/web  acme/platform' }, 'acme/platform', true],
    ['tagged for several repositories, not this one', { [ENTITLEMENT_TAG]: 'acme/web acme/platform' }, 'acme/plat', false],
    ['tagged with an empty value', { [ENTITLEMENT_TAG]: '' }, 'acme/platform', false],
    ['not tagged', { Team: 'orders' }, 'acme/platform', false],
    ['missing', undefined, 'acme/platform', false],
  ])('a pipeline %s', (_name, tags, repository, entitled) => {
    expect(entitlementOf('p', tags, repository).entitled).toBe(entitled);
  });

  it('says why not, with the tag to set', () => {
    expect(entitlementOf('orders', {}, 'acme/platform')).toEqual({ entitled: false, reason: `pipeline orders has no ${ENTITLEMENT_TAG} tag: tag it with the repository whose pushes may start it (acme/platform)` });
  });
});
