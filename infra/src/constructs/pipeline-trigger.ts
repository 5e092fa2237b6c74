import { CustomResource, Fn, Stack, Tags, Token } from 'aws-cdk-lib';
import type { IPipeline } from 'aws-cdk-lib/aws-codepipeline';
import { ENTITLEMENT_TAG, formatIssues, OWNER_STACKS_TAG, parseCfnProperties } from '@monorepo-triggers/config-schema';
import { nxTriggerPaths, nxWorkspaceRoot, templateProperties, type NxTriggerPaths } from '@monorepo-triggers/nx-trigger-paths';
import { Construct, type IConstruct } from 'constructs';
import { NAMES } from '../names';

export interface PipelineTriggerProps {
  /** `owner/name` of the GitHub repository. */
  repository: string;
  /**
   * The pipeline to start, defined in this app: the construct tags it with the repository, which is
   * how a pipeline agrees to be started (docs/security.md). Give this or `pipelineName`.
   */
  pipeline?: IPipeline;
  /**
   * The pipeline to start by name, for a pipeline defined elsewhere: it must carry the tag
   * `monorepo-triggers:repository` = `repository` itself, or the trigger is refused at deploy time.
   */
  pipelineName?: string;
  branches: string[];
  tags?: string[];
  /** The paths that start the pipeline; give these, or `nx` to have them derived from the Nx graph. */
  includePaths?: string[];
  excludePaths?: string[];
  pathSyntax?: 'regex' | 'glob';
  /**
   * In an Nx workspace: start the pipeline when a file Nx hashes for this project's target changes
   * (its own inputs, its dependencies' and workspace-wide ones such as the lock file), derived from
   * the Nx graph each time the app is synthesized, so a new dependency is covered by the next deploy
   * of this stack (docs/trigger-config.md, "Nx workspaces"). Replaces includePaths and excludePaths.
   */
  nx?: NxTriggerProps;
  onIncompleteChanges?: 'trigger' | 'skip';
  /** What a newly created branch means: its own changes decide (default), or always start. */
  onNewBranch?: 'changes' | 'always';
  /**
   * What a branch push's changes are counted from: the push itself (default), or everything since the
   * branch's last commit this pipeline built successfully (`last-success`: a failed build starts again
   * on the next push).
   */
  compareWith?: 'push' | 'last-success';
  /** Pin executions to the pushed commit on this source action. */
  sourceActionName?: string;
  variables?: Record<string, string>;
  /** The context of the pipeline's commit status on GitHub; default `pipeline/<pipelineName>`. */
  statusContext?: string;
  /** Post `success` ("skipped: …") on commits the pipeline does not build, for a required check. */
  reportSkipped?: boolean;
  /** Start nothing for a branch push or pull request whose head commit says `[skip ci]` (default true); false builds it anyway. */
  honourSkipCi?: boolean;
  /**
   * Start the pipeline for pull requests too, on their own files (docs/trigger-config.md, "Pull
   * requests"); `{}` takes the defaults. Without it, pull requests start nothing.
   */
  pullRequests?: PullRequestTriggerProps;
  /**
   * Start the pipeline for GitHub's merge queue too (docs/trigger-config.md, "Merge queues"), its
   * status under the pull request's context; `{}` takes the defaults. Without it, merge groups start nothing.
   */
  mergeQueue?: MergeQueueTriggerProps;
  /** The cfresource function ARN; by default the export of the monorepo-triggers stack. */
  serviceToken?: string;
}

/** The Nx task whose inputs start the pipeline. */
export interface NxTriggerProps {
  project: string;
  /** The target whose inputs count, e.g. `build` or `deploy`. */
  target: string;
  configuration?: string;
  /** The Nx workspace; default: the nearest directory holding nx.json, from the working directory up. */
  workspaceRoot?: string;
}

/** The paths of an Nx task, as the trigger's properties (Nx's own errors say which project or target it lacks). */
function nxPathProperties(path: string, props: NxTriggerProps): Record<string, unknown> {
  let paths: NxTriggerPaths;
  try {
    paths = nxTriggerPaths({ ...props, workspaceRoot: props.workspaceRoot ?? nxWorkspaceRoot(process.cwd()) });
  } catch (error) {
    throw new Error(`PipelineTrigger ${path}: nx: ${(error as Error).message}`, { cause: error });
  }
  return templateProperties(paths);
}

/** Which pull requests start the pipeline (the config's `pullRequests` section). */
export interface PullRequestTriggerProps {
  /** Default: opened, synchronize, reopened, ready_for_review; add `merged` to build merges. */
  events?: ('opened' | 'synchronize' | 'reopened' | 'ready_for_review' | 'merged')[];
  /** Globs of the branches a pull request targets; default: the trigger's `branches`. */
  baseBranches?: string[];
  /** Build drafts too (default false). */
  drafts?: boolean;
  /** Build pull requests from forks: anyone's code with the pipeline's permissions (default false). */
  forks?: boolean;
  /** The pull request's own paths, replacing the trigger's includePaths and excludePaths. */
  includePaths?: string[];
  excludePaths?: string[];
}

/** Which merge groups start the pipeline (the config's `mergeQueue` section). */
export interface MergeQueueTriggerProps {
  /** Globs of the branches whose queue starts it; default: pullRequests' baseBranches, else the trigger's branches. */
  baseBranches?: string[];
  /** The group's own paths; default: pullRequests' own paths, else the trigger's. */
  includePaths?: string[];
  excludePaths?: string[];
  /** Stop the executions of a group that left the queue (default true). */
  stopDestroyed?: boolean;
}

/** The `MergeQueue` property as CloudFormation passes it: PascalCase, booleans as strings. */
function mergeQueueProperty(props: MergeQueueTriggerProps): Record<string, unknown> {
  return {
    ...(props.baseBranches ? { BaseBranches: props.baseBranches } : {}),
    ...(props.includePaths ? { IncludePaths: props.includePaths } : {}),
    ...(props.excludePaths ? { ExcludePaths: props.excludePaths } : {}),
    ...(props.stopDestroyed !== undefined ? { StopDestroyed: String(props.stopDestroyed) } : {}),
  };
}

/** The `PullRequests` property as CloudFormation passes it: PascalCase, booleans as strings. */
function pullRequestsProperty(props: PullRequestTriggerProps): Record<string, unknown> {
  return {
    ...(props.events ? { Events: props.events } : {}),
    ...(props.baseBranches ? { BaseBranches: props.baseBranches } : {}),
    ...(props.drafts !== undefined ? { Drafts: String(props.drafts) } : {}),
    ...(props.forks !== undefined ? { Forks: String(props.forks) } : {}),
    ...(props.includePaths ? { IncludePaths: props.includePaths } : {}),
    ...(props.excludePaths ? { ExcludePaths: props.excludePaths } : {}),
  };
}

/** What the triggers of one pipeline in this app need its tags to say: every repository and owning stack. */
const grants = new WeakMap<IConstruct, { repositories: Set<string>; stacks: Set<string> }>();

/**
 * Tags `pipeline` so it agrees to be started by `repository`'s pushes and takes triggers from
 * `stackName` only; with several triggers on one pipeline, the tags name them all (space-separated).
 */
function grantTrigger(pipeline: IConstruct, repository: string, stackName: string): void {
  const grant = grants.get(pipeline) ?? { repositories: new Set<string>(), stacks: new Set<string>() };
  grants.set(pipeline, grant);
  grant.repositories.add(repository);
  grant.stacks.add(stackName);
  // A later tag of the same key replaces an earlier one: the last call carries every value.
  Tags.of(pipeline).add(ENTITLEMENT_TAG, [...grant.repositories].join(' '));
  Tags.of(pipeline).add(OWNER_STACKS_TAG, [...grant.stacks].join(' '));
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
    if (!props.pipeline === !props.pipelineName)
      throw new Error(`PipelineTrigger ${this.node.path}: give pipeline (a pipeline in this app) or pipelineName, not both`);
    if (!props.nx === !props.includePaths)
      throw new Error(`PipelineTrigger ${this.node.path}: give includePaths, or nx to derive them from the Nx graph, not both`);
    if (props.nx && (props.excludePaths || props.pathSyntax))
      throw new Error(`PipelineTrigger ${this.node.path}: nx derives excludePaths and pathSyntax too; leave them out`);
    const pipelineName = props.pipeline ? props.pipeline.pipelineName : (props.pipelineName as string);
    // The pipeline agrees to be started by this repository's configs (eval's IAM policy needs the
    // tag), owned by this stack's trigger and no other team's.
    if (props.pipeline) grantTrigger(props.pipeline, props.repository, Stack.of(this).stackName);
    const properties = {
      Repository: props.repository,
      PipelineName: pipelineName,
      Branches: props.branches,
      ...(props.tags ? { Tags: props.tags } : {}),
      ...(props.nx
        ? nxPathProperties(this.node.path, props.nx)
        : {
            IncludePaths: props.includePaths,
            ...(props.excludePaths ? { ExcludePaths: props.excludePaths } : {}),
            ...(props.pathSyntax ? { PathSyntax: props.pathSyntax } : {}),
          }),
      ...(props.onIncompleteChanges ? { OnIncompleteChanges: props.onIncompleteChanges } : {}),
      ...(props.onNewBranch ? { OnNewBranch: props.onNewBranch } : {}),
      ...(props.compareWith ? { CompareWith: props.compareWith } : {}),
      ...(props.sourceActionName ? { SourceActionName: props.sourceActionName } : {}),
      ...(props.variables ? { Variables: props.variables } : {}),
      ...(props.statusContext ? { StatusContext: props.statusContext } : {}),
      // CloudFormation passes scalars as strings; the resource reads "true" / "false".
      ...(props.reportSkipped !== undefined ? { ReportSkipped: String(props.reportSkipped) } : {}),
      ...(props.honourSkipCi !== undefined ? { HonourSkipCi: String(props.honourSkipCi) } : {}),
      ...(props.pullRequests ? { PullRequests: pullRequestsProperty(props.pullRequests) } : {}),
      ...(props.mergeQueue ? { MergeQueue: mergeQueueProperty(props.mergeQueue) } : {}),
    };
    // Tokens resolve at deploy time; check everything else now.
    const checkable = {
      ...properties,
      ...(Token.isUnresolved(pipelineName) ? { PipelineName: 'resolved-at-deploy' } : {}),
      ...(Token.isUnresolved(props.repository) ? { Repository: 'resolved/at-deploy' } : {}),
    };
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
