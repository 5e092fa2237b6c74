/**
 * Every alarm, by the function whose stack holds it. Names are fixed, `monorepo-triggers-<function>-<what>`,
 * so the shared stack's dashboard lists them all without a CloudFormation import (each stack deploys on
 * its own), and docs/operations.md has a section under each name: the alarm's description links to it.
 * cfresource has none: a refused request fails the caller's own stack, where its team sees why.
 */
export const ALARMS = {
  webhook: ['errors', 'deliveries-failed', 'deliveries-unverified'],
  eval: [
    'errors',
    'dead-letters',
    'pipeline-starts-failed',
    'configs-invalid',
    'configs-need-newer-eval',
    'near-timeout',
    'near-memory',
    'github-rate-limit',
  ],
  statuses: ['errors', 'dead-letters', 'undelivered-events', 'statuses-refused', 'github-rate-limit'],
  reconcile: ['errors', 'deliveries-recovered', 'deliveries-abandoned', 'github-rate-limit'],
} as const;

export type AlarmedFunction = keyof typeof ALARMS;
export type AlarmOf<F extends AlarmedFunction> = (typeof ALARMS)[F][number];

/** What every alarm name starts with: the alarm topic lets CloudWatch publish for these alarms only. */
export const ALARM_NAME_PREFIX = 'monorepo-triggers-';

/** An alarm's fixed name. */
export const alarmName = <F extends AlarmedFunction>(fn: F, what: AlarmOf<F>): string => `${ALARM_NAME_PREFIX}${fn}-${what}`;

/** Where an alarm's runbook is: its section in docs/operations.md, headed with its name. */
export const runbookLink = (name: string): string => `docs/operations.md#${name}`;

/** Every alarm's name, function by function. */
export const allAlarmNames = (): string[] =>
  (Object.entries(ALARMS) as [AlarmedFunction, readonly string[]][]).flatMap(([fn, whats]) =>
    whats.map((what) => alarmName(fn, what as AlarmOf<typeof fn>)),
  );
