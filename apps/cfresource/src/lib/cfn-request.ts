import { z } from 'zod';

const common = {
  ResponseURL: z.string().min(1),
  StackId: z.string().min(1),
  RequestId: z.string().min(1),
  LogicalResourceId: z.string().min(1),
  ResourceType: z.string().optional(),
  ServiceToken: z.string().optional(),
  ResourceProperties: z.record(z.string(), z.unknown()).optional(),
};

/** A CloudFormation custom resource request, as delivered to the Lambda function. */
export const cfnRequestSchema = z.discriminatedUnion('RequestType', [
  z.object({ RequestType: z.literal('Create'), ...common }),
  z.object({ RequestType: z.literal('Update'), PhysicalResourceId: z.string(), OldResourceProperties: z.record(z.string(), z.unknown()).optional(), ...common }),
  z.object({ RequestType: z.literal('Delete'), PhysicalResourceId: z.string(), ...common }),
]);

export type CfnRequest = z.output<typeof cfnRequestSchema>;

/** What the resource answers; the sender adds the request's identifiers. */
export interface ResourceOutcome {
  status: 'SUCCESS' | 'FAILED';
  reason: string;
  physicalResourceId: string;
  data?: Record<string, string>;
}
