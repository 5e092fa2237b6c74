import examples from '@octokit/webhooks-examples';
import { evalEventOf, mayStartPipelines } from './eval-event-of';

const example = (examples as { name: string; examples: Record<string, unknown>[] }[]).find((e) => e.name === 'merge_group')
  ?.examples[0] as Record<string, unknown> & { merge_group: Record<string, string>; repository: { full_name: string } };

describe('merge_group deliveries', () => {
  it("reduce GitHub's own example to the compact event eval reads, as hand-over version 2", () => {
    const outcome = evalEventOf('merge_group', example, 'd-1');
    expect(outcome).toEqual({
      kind: 'event',
      event: {
        type: 'merge_group',
        version: 2,
        deliveryId: 'd-1',
        repository: example.repository.full_name,
        ...(outcome.kind === 'event' && outcome.event.defaultBranch ? { defaultBranch: outcome.event.defaultBranch } : {}),
        action: 'checks_requested',
        baseRef: example.merge_group['base_ref'],
        baseSha: example.merge_group['base_sha'],
        headRef: example.merge_group['head_ref'],
        headSha: example.merge_group['head_sha'],
      },
    });
  });

  // Hand-written: [action, reason GitHub sent, what eval is handed]
  it.each([
    ['destroyed', 'dequeued', { action: 'destroyed', reason: 'dequeued' }],
    ['destroyed', 'invalidated', { action: 'destroyed', reason: 'invalidated' }],
    ['destroyed', 'merged', { action: 'destroyed', reason: 'merged' }],
    // A reason GitHub may add later, or none: handed over without one, and eval stops nothing for it.
    ['destroyed', 'archived', { action: 'destroyed' }],
    ['destroyed', undefined, { action: 'destroyed' }],
  ])('a group %s (%s) is handed over with what eval needs to stop or keep its runs', (action, reason, expected) => {
    const outcome = evalEventOf('merge_group', { ...example, action, ...(reason ? { reason } : {}) }, 'd-2');
    expect(outcome.kind).toBe('event');
    if (outcome.kind !== 'event' || outcome.event.type !== 'merge_group') return;
    expect({ action: outcome.event.action, ...(outcome.event.reason ? { reason: outcome.event.reason } : {}) }).toEqual(expected);
  });

  it('ignore any other action, and refuse a payload without its group, naming the field', () => {
    expect(evalEventOf('merge_group', { ...example, action: 'created' }, 'd')).toEqual({
      kind: 'ignored',
      reason: 'merge_group action created starts nothing',
    });
    const { merge_group: _gone, ...noGroup } = example;
    const invalid = evalEventOf('merge_group', noGroup, 'd');
    expect(invalid.kind === 'invalid' && invalid.issues.map((i) => i.path.join('.'))).toEqual(['merge_group']);
  });

  it('are what recovery looks for in the delivery log: checks requested and destroyed groups', () => {
    expect(['checks_requested', 'destroyed', 'created', null].map((a) => mayStartPipelines('merge_group', a))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
