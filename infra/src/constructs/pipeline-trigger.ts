import { CustomResource, Fn, Token } from 'aws-cdk-lib';
import { formatIssues, parseCfnProperties } from '@monorepo-triggers/config-schema';
import { Construct } from 'constructs';
import { NAMES } from '../names';

export interface PipelineTriggerProps {
  /** `owner/name` of the GitHub repository. */
  repository: string;
  /** The pipeline to start (its name; a token such as `pipeline.pipelineName` is fine). */
  pipelineName: string;
  branches: string[];
  tags?: string[];
  includePaths: string[];
  excludePaths?: string[];
  pathSyntax?: 'regex' | 'glob';
  onIncompleteChanges?: 'trigger' | 'skip';
  /** What a newly created branch means: its own changes decide (default), or always start. */
  onNewBranch?: 'changes' | 'always';
  /** Pin executions to the pushed commit on this source action. */
  sourceActionName?: string;
  variables?: Record<string, string>;
  /** The cfresource function ARN; by default the export of the monorepo-triggers stack. */
  serviceToken?: string;
}

/**
 * `Custom::PipelineTrigger` for CDK users: "start this pipeline when these paths change on these
 * branches". The properties are checked at synth time with the same rules as the resource itself,
 * so a bad pattern fails `cdk synth` with the field and reason instead of a failed deployment.
 */
export class PipelineTrigger extends Construct {
  readonly configKey: string;

  constructor(scope: Construct, id: string, props: PipelineTriggerProps) {
    super(scope, id);
    const properties = {
      Repository: props.repository,
      PipelineName: props.pipelineName,
      Branches: props.branches,
      IncludePaths: props.includePaths,
      ...(props.tags ? { Tags: props.tags } : {}),
      ...(props.excludePaths ? { ExcludePaths: props.excludePaths } : {}),
      ...(props.pathSyntax ? { PathSyntax: props.pathSyntax } : {}),
      ...(props.onIncompleteChanges ? { OnIncompleteChanges: props.onIncompleteChanges } : {}),
      ...(props.onNewBranch ? { OnNewBranch: props.onNewBranch } : {}),
      ...(props.sourceActionName ? { SourceActionName: props.sourceActionName } : {}),
      ...(props.variables ? { Variables: props.variables } : {}),
    };
    // Tokens resolve at deploy time; check everything else now.
    const checkable = { ...properties, ...(Token.isUnresolved(props.pipelineName) ? { PipelineName: 'resolved-at-deploy' } : {}), ...(Token.isUnresolved(props.repository) ? { Repository: 'resolved/at-deploy' } : {}) };
    const parsed = parseCfnProperties(checkable);
    if (!parsed.ok) throw new Error(`PipelineTrigger ${this.node.path}: ${formatIssues(parsed.issues)}`);
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: props.serviceToken ?? Fn.importValue(NAMES.cfresourceArnExport),
      resourceType: 'Custom::PipelineTrigger',
      properties,
    });
    this.configKey = resource.getAttString('ConfigKey');
  }
}
