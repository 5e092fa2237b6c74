/** The parts of an Amazon Resource Name: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the account (`stack/name/uuid`, `function:name`, `pipeline-name`), colons kept. */
  resource: string;
}

/** `arn` in its parts, or undefined when it is not an ARN. The one reader of ARNs in the project. */
export function parseArn(arn: string): Arn | undefined {
  const match = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition, service, region, account, resource] = match as unknown as [string, string, string, string, string, string];
  return { partition, service, region, account, resource };
}
