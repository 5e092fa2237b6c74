/** What every command on the config store says about where it works, and about configs a stack owns. */
export const STORE_NOTE = `Works on the running local stack's store by default, or a bucket in AWS with --bucket BUCKET
[--prefix PREFIX] (default credentials). Configs created by CloudFormation carry an owner: change
those through their stack, or the next stack update will put them back.`;

/** Said before changing a config a CloudFormation stack owns. */
export const ownedWarning = (stack: string) =>
  `warning: this config is owned by a CloudFormation stack (${stack}); change it through that stack, or its next update will undo this`;
