import * as z from 'zod/mini';

const nonEmpty = () => z.string().check(z.minLength(1));
const common = {
  ResponseURL: nonEmpty(),
  StackId: nonEmpty(),
  RequestId: nonEmpty(),
  LogicalResourceId: nonEmpty(),
  ResourceType: z.optional(z.string()),
  ServiceToken: z.optional(z.string()),
  ResourceProperties: z.optional(z.record(z.string(), z.unknown())),
};

/** A CloudFormation custom resource request, as delivered to the Lambda function. */
export const cfnRequestSchema = z.discriminatedUnion('RequestType', [
  z.object({ RequestType: z.literal('Create'), ...common }),
  z.object({
    RequestType: z.literal('Update'),
    PhysicalResourceId: z.string(),
    OldResourceProperties: z.optional(z.record(z.string(), z.unknown())),
    ...common,
  }),
  z.object({ RequestType: z.literal('Delete'), PhysicalResourceId: z.string(), ...common }),
]);

export type CfnRequest = z.output<typeof cfnRequestSchema>;

/** What the resource answers; the sender adds the request's identifiers. */
export interface ResourceOutcome {
  status: 'SUCCESS' | 'FAILED';
  reason: string;
  physicalResourceId: string;
  data?: Record<string, string>;
  /** What a SUCCESS did to the bucket (absent: nothing), for the function's metrics. */
  changed?: 'written' | 'deleted';
}
