import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_KINDS } from '../src/lib/doctor/findings';
import { stackFindings, type StackSweep } from '../src/lib/doctor/stack-checks';
import { ROOT } from './cli';

describe('triggers doctor: its findings', () => {
  it('has a runbook section per kind of finding in docs/operations.md, and no section for a kind it does not know', () => {
    const doc = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
    const drift = doc.slice(doc.indexOf('## Drift: triggers doctor'));
    const sections = [...drift.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    expect(sections.sort()).toEqual(Object.keys(FINDING_KINDS).sort());
    for (const [kind, { severity }] of Object.entries(FINDING_KINDS))
      expect(drift).toContain(`### ${kind}\n\n*${severity === 'error' ? 'Error' : 'Warning'}.*`);
  });

  // Hand-written cases of the rule, beside the end-to-end run on the stand-ins (doctor.e2e.spec.ts).
  const key = (pipeline: string) => `mono-repo/config/acme/platform/${pipeline}.json`;
  const isConfigKey = (k: string) => k.startsWith('mono-repo/config/');
  const stack = 'arn:aws:cloudformation:us-east-1:000000000000:stack/team/1';
  const owned = (pipeline: string, logicalResourceId: string) =>
    ({ key: key(pipeline), etag: '"e"', config: { owner: { stackId: stack, logicalResourceId } } }) as never;

  it('leaves alone what CloudFormation is working on, ids that are not config keys, and a rollback marker', () => {
    const sweep: StackSweep = {
      stacks: new Map([[stack, 'team']]),
      triggers: [
        // Being updated to a new key: the old config is not orphaned yet, the new one not missing yet.
        {
          stackId: stack,
          stackName: 'team',
          logicalResourceId: 'Moving',
          physicalResourceId: key('new'),
          resourceStatus: 'UPDATE_IN_PROGRESS',
        },
        // A Create that failed before writing anything: its id is no config key.
        {
          stackId: stack,
          stackName: 'team',
          logicalResourceId: 'Failed',
          physicalResourceId: 'create-failed',
          resourceStatus: 'CREATE_FAILED',
        },
        {
          stackId: stack,
          stackName: 'team',
          logicalResourceId: 'Going',
          physicalResourceId: key('going'),
          resourceStatus: 'DELETE_FAILED',
        },
      ],
    };
    expect(stackFindings(sweep, [owned('old', 'Moving')], isConfigKey)).toEqual([]);
  });

  it('takes a trigger CloudFormation deleted (a stack that rolled back) as owning nothing', () => {
    const sweep: StackSweep = {
      stacks: new Map([[stack, 'team']]),
      triggers: [
        { stackId: stack, stackName: 'team', logicalResourceId: 'T', physicalResourceId: key('a'), resourceStatus: 'DELETE_COMPLETE' },
      ],
    };
    expect(stackFindings(sweep, [owned('a', 'T')], isConfigKey)).toEqual([
      { kind: 'orphaned-config', subject: key('a'), detail: 'stack team has no trigger T any more' },
    ]);
  });

  it('names a config whose trigger owns another key, and a trigger whose config is gone', () => {
    const sweep: StackSweep = {
      stacks: new Map([[stack, 'team']]),
      triggers: [
        { stackId: stack, stackName: 'team', logicalResourceId: 'T', physicalResourceId: key('b'), resourceStatus: 'UPDATE_COMPLETE' },
      ],
    };
    expect(stackFindings(sweep, [owned('a', 'T')], isConfigKey)).toEqual([
      { kind: 'orphaned-config', subject: key('a'), detail: `stack team's trigger T now owns ${key('b')}` },
      { kind: 'config-deleted-by-hand', subject: 'team T', detail: `its config ${key('b')} is not in the bucket (UPDATE_COMPLETE)` },
    ]);
  });
});
