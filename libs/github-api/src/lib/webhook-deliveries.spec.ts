import { startRecordingServer, type RecordingServer } from '@monorepo-triggers/local-aws';
import { githubAppKeyPair, startLocalGithub, type HookDelivery, type LocalGithub } from '@monorepo-triggers/local-github';
import { verify } from '@monorepo-triggers/github-signature';
import { GithubAppAuth, TokenAuth } from './github-auth';
import { GithubApiError } from './github-client';
import { parseWebhookRef, WebhookDeliveries, webhookName } from './webhook-deliveries';

const SECRET = 'hook-secret';
const DAY = 24 * 3_600_000;

/**
 * GitHub's delivery log through WebhookDeliveries, against the stand-in GitHub (which signs and sends
 * each delivery to a recording webhook, and keeps GitHub's paging and retention). Signatures are checked
 * with github-signature, itself checked against @octokit/webhooks-methods.
 */
describe('WebhookDeliveries against the stand-in GitHub', () => {
  const app = { appId: '21', ...githubAppKeyPair() };
  let webhook: RecordingServer;
  let github: LocalGithub;
  let clock = Date.parse('2026-12-01T00:00:00Z');
  beforeAll(async () => {
    webhook = await startRecordingServer(() => ({ status: 202 }));
    github = await startLocalGithub(
      {},
      {
        app: { appId: app.appId, publicKey: app.publicKey, installations: { 'acme/platform': 5 } },
        webhook: { url: webhook.endpoint, secret: SECRET },
        orgHookTokens: ['ghp_owner'],
        now: () => clock,
      },
    );
  });
  afterAll(async () => {
    await github.stop();
    await webhook.stop();
  });
  const appLog = (perPage = 2) =>
    new WebhookDeliveries(
      github.endpoint,
      new GithubAppAuth({ appId: app.appId, privateKey: app.privateKey }, github.endpoint),
      { app: true },
      { perPage },
    );

  it('names webhooks as settings write them', () => {
    expect(parseWebhookRef('app')).toEqual({ app: true });
    expect(parseWebhookRef('org:Acme:123')).toEqual({ org: 'Acme', hookId: 123 });
    expect(['org:acme', 'org:-x:1', 'repo:acme/platform:1', 'org:acme:1a', ''].map(parseWebhookRef)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(webhookName({ org: 'Acme', hookId: 7 })).toBe('org:acme:7');
  });

  it("lists the App's deliveries newest first in cursor pages, shows one with its payload, signed as GitHub signs it", async () => {
    const sent: HookDelivery[] = [];
    for (let i = 0; i < 5; i++) {
      clock += 1000;
      sent.push(await github.hooks.deliver({ event: 'push', body: Buffer.from(JSON.stringify({ ref: `refs/heads/b${i}` })) }));
    }
    const log = appLog();
    const ids: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await log.page(cursor);
      pages++;
      expect(page.deliveries.length).toBeLessThanOrEqual(2);
      ids.push(...page.deliveries.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toBe(3);
    expect(ids).toEqual(sent.map((d) => d.id).reverse());

    const detail = await log.get(sent[0]?.id as number);
    expect(detail).toMatchObject({ guid: sent[0]?.guid, event: 'push', status_code: 202, request: { payload: { ref: 'refs/heads/b0' } } });
    // What reached the webhook is signed with its secret, over the exact bytes sent.
    const received = webhook.requests.find((r) => r.headers['x-github-delivery'] === sent[0]?.guid);
    expect(
      verify({ secrets: [SECRET], body: received?.body ?? '', signatureHeader: received?.headers['x-hub-signature-256'] as string }),
    ).toEqual({ valid: true, secretIndex: 0 });
  });

  it('redelivers the same payload under the same delivery id, as a new attempt', async () => {
    const log = appLog(100);
    const [newest] = (await log.page()).deliveries;
    await log.redeliver(newest?.id as number);
    const [again] = (await log.page()).deliveries;
    expect(again).toMatchObject({ guid: newest?.guid, redelivery: true, status_code: 202 });
    expect(again?.id).toBeGreaterThan(newest?.id as number);
    const bodies = webhook.requests.filter((r) => r.headers['x-github-delivery'] === newest?.guid).map((r) => r.body.toString());
    expect(new Set(bodies).size).toBe(1);
    expect(bodies).toHaveLength(2);
  });

  it('keeps deliveries 3 days: older ones are neither listed, shown nor redelivered', async () => {
    const old = await github.hooks.deliver({ event: 'push', body: Buffer.from('{"ref":"refs/heads/old"}') });
    clock += 3 * DAY + 1;
    const log = appLog(100);
    expect((await log.page()).deliveries.map((d) => d.id)).not.toContain(old.id);
    await expect(log.get(old.id)).rejects.toMatchObject({ status: 404 });
    await expect(log.redeliver(old.id)).rejects.toBeInstanceOf(GithubApiError);
  });

  it("reads an organisation's webhook with an owner's token or the App's installation there; refuses anything else", async () => {
    const hook = { org: 'acme', hookId: 77 };
    const delivered = await github.hooks.deliver({ event: 'push', body: Buffer.from('{"ref":"refs/heads/org"}'), hook });
    const byToken = new WebhookDeliveries(github.endpoint, new TokenAuth('ghp_owner'), hook);
    expect((await byToken.page()).deliveries.map((d) => d.guid)).toEqual([delivered.guid]);
    const byApp = new WebhookDeliveries(
      github.endpoint,
      new GithubAppAuth({ appId: app.appId, privateKey: app.privateKey }, github.endpoint),
      hook,
    );
    expect((await byApp.page()).deliveries.map((d) => d.guid)).toEqual([delivered.guid]);
    // The App's own webhook keeps its own log: the organisation's delivery is not in it.
    expect((await appLog(100).page()).deliveries.map((d) => d.guid)).not.toContain(delivered.guid);
    const stranger = new WebhookDeliveries(github.endpoint, new TokenAuth('ghp_someone'), hook);
    await expect(stranger.page()).rejects.toMatchObject({ status: 403 });
    await expect(new TokenAuth('t').hookToken({ app: true })).rejects.toThrow(
      /read with the App's credentials \(GITHUB_APP_SECRET_ID\), not a token/,
    );
  });
});
