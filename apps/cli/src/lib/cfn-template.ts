import { parseDocument, type Tags } from 'yaml';

/** A `Custom::PipelineTrigger` resource found in a template. */
export interface TriggerResource {
  logicalId: string;
  properties: Record<string, unknown>;
  /** Properties (or list items) whose value is an intrinsic function, resolved only at deploy time. */
  unresolved: string[];
}

// CloudFormation's short-form intrinsic functions (`!Ref x`, `!Sub '...'`, `!GetAtt a.b`...), read as
// their long form `{ "Fn::X": ... }` so templates parse like CloudFormation reads them.
const INTRINSICS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Condition',
  'Ref',
];
const cfnTags: Tags = INTRINSICS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const resolve = (value: unknown) => ({ [key]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value });
  return (['scalar', 'seq', 'map'] as const).map(
    (nodeClass) =>
      ({ tag: `!${name}`, collection: nodeClass === 'scalar' ? undefined : nodeClass, resolve, identify: () => false }) as never,
  );
});

/** Parses a CloudFormation template (YAML or JSON), throwing an Error that says where it is malformed. */
export function parseTemplate(text: string): Record<string, unknown> {
  const doc = parseDocument(text, { customTags: cfnTags, prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
  const value = doc.toJS({ maxAliasCount: 100 });
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a template: the document is not an object');
  return value as Record<string, unknown>;
}

const isIntrinsic = (value: unknown): boolean =>
  !!value &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  /^(Ref|Condition|Fn::.+)$/.test(Object.keys(value)[0] as string);

/** Placeholders that satisfy each property's format, so the rest of a resource can still be checked. */
const PLACEHOLDER: Record<string, string> = {
  Repository: 'placeholder/placeholder',
  IncludePaths: '^placeholder/',
  ExcludePaths: '^placeholder/',
};
const LIST_PROPERTIES = new Set(['Branches', 'Tags', 'IncludePaths', 'ExcludePaths']);

function placeholderFor(name: string): unknown {
  if (name === 'Variables') return {};
  const value = PLACEHOLDER[name] ?? 'placeholder';
  return LIST_PROPERTIES.has(name) ? [value] : value;
}

/** The `Custom::PipelineTrigger` resources of a template, with intrinsic values replaced by placeholders. */
export function findTriggerResources(template: Record<string, unknown>): TriggerResource[] {
  const resources = (template['Resources'] ?? {}) as Record<string, { Type?: unknown; Properties?: unknown }>;
  return Object.entries(resources)
    .filter(([, r]) => r && r.Type === 'Custom::PipelineTrigger')
    .map(([logicalId, r]) => {
      const unresolved: string[] = [];
      const properties: Record<string, unknown> = {};
      for (const [name, value] of Object.entries((r.Properties ?? {}) as Record<string, unknown>)) {
        if (name === 'ServiceToken') {
          properties[name] = 'service-token'; // the function's ARN: not part of the trigger
        } else if (isIntrinsic(value)) {
          unresolved.push(name);
          properties[name] = placeholderFor(name);
        } else if (Array.isArray(value)) {
          properties[name] = value.map((item, i) => {
            if (!isIntrinsic(item)) return item;
            unresolved.push(`${name}[${i}]`);
            return PLACEHOLDER[name] ?? 'placeholder';
          });
        } else if (name === 'Variables' && value && typeof value === 'object') {
          properties[name] = Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([variable, v]) => {
              if (!isIntrinsic(v)) return [variable, v];
              unresolved.push(`Variables.${variable}`);
              return [variable, 'placeholder'];
            }),
          );
        } else {
          properties[name] = value;
        }
      }
      return { logicalId, properties, unresolved };
    });
}
