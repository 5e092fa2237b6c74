import { isNode, LineCounter, parseDocument, type Document, type Tags } from 'yaml';

/** A `Custom::PipelineTrigger` resource found in a template. */
export interface TriggerResource {
  logicalId: string;
  properties: Record<string, unknown>;
  /** Properties (or list items) whose value is an intrinsic function, resolved only at deploy time. */
  unresolved: string[];
  /** Properties whose intrinsic was resolved here: a parameter's default, a resource's literal name. */
  resolved: string[];
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

/**
 * A template as an editable YAML document (short-form intrinsics and comments kept), for a command
 * that rewrites some of its properties in place (`triggers nx --write`).
 */
export function parseTemplateDocument(text: string): Document {
  // Without the intrinsics' tags: an unknown tag is kept as written (`!Ref Name`) when written back.
  const doc = parseDocument(text, { prettyErrors: true, logLevel: 'error' });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
  return doc;
}

/** Parses a CloudFormation template (YAML or JSON), throwing an Error that says where it is malformed. */
export function parseTemplate(text: string): Record<string, unknown> {
  return parseWithLines(text).value;
}

/**
 * Parses a template or config (YAML or JSON: JSON is YAML) and keeps where each value is, so an
 * issue can name its line: `lineOf(['Resources', 'T', 'Properties', 'IncludePaths', 0])`. A path
 * that is not in the document (a missing field) gives the line of the nearest object that is.
 */
export function parseWithLines(text: string): {
  value: Record<string, unknown>;
  lineOf(path: readonly (string | number)[]): number | undefined;
} {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { customTags: cfnTags, prettyErrors: true, lineCounter });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
  const value = doc.toJS({ maxAliasCount: 100 });
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a template: the document is not an object');
  const lineOf = (path: readonly (string | number)[]): number | undefined => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { value: value as Record<string, unknown>, lineOf };
}

/** An issue's field path (`IncludePaths[2]`, `variables.MY VAR`, `(root)`) as keys and indexes. */
export function pathKeys(path: string): (string | number)[] {
  if (path === '(root)') return [];
  const keys: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) keys.push(match[2] !== undefined ? Number(match[2]) : (match[1] as string));
  return keys;
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

type Resources = Record<string, { Type?: unknown; Properties?: Record<string, unknown> }>;

/** A resource's name when its template gives it literally (`Ref` of a pipeline is its name). */
const NAME_PROPERTY: Record<string, string> = { 'AWS::CodePipeline::Pipeline': 'Name' };

/**
 * What an intrinsic resolves to without deploying, if anything: `!Ref` of a parameter with a
 * default or of a resource named literally, `!Sub` whose every `${X}` is such a reference.
 * Undefined when it needs the deployment (a pseudo parameter, an attribute, an import...).
 */
export function resolveIntrinsic(value: unknown, template: Record<string, unknown>): string | undefined {
  const parameters = (template['Parameters'] ?? {}) as Record<string, { Default?: unknown }>;
  const resources = (template['Resources'] ?? {}) as Resources;
  const ref = (name: string): string | undefined => {
    const fallback = parameters[name]?.Default;
    if (typeof fallback === 'string' || typeof fallback === 'number') return String(fallback);
    const resource = resources[name];
    const nameProperty = typeof resource?.Type === 'string' ? NAME_PROPERTY[resource.Type] : undefined;
    const literal = nameProperty ? resource?.Properties?.[nameProperty] : undefined;
    return typeof literal === 'string' ? literal : undefined;
  };
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v['Ref'] === 'string') return ref(v['Ref']);
  const sub = v['Fn::Sub'];
  const [text, variables] = typeof sub === 'string' ? [sub, {}] : Array.isArray(sub) ? [sub[0], sub[1] ?? {}] : [undefined, {}];
  if (typeof text !== 'string') return undefined;
  let unresolvable = false;
  const out = text.replace(/\$\{(!?)([^}]+)\}/g, (whole, literal: string, name: string) => {
    if (literal) return `\${${name}}`;
    const given = (variables as Record<string, unknown>)[name];
    const resolved = given === undefined ? ref(name) : typeof given === 'string' ? given : resolveIntrinsic(given, template);
    if (resolved === undefined) unresolvable = true;
    return resolved ?? whole;
  });
  return unresolvable ? undefined : out;
}

/**
 * The `Custom::PipelineTrigger` resources of a template. An intrinsic value is resolved when the
 * template alone says what it is (a parameter's default, a literally named resource); the others
 * are replaced by placeholders and listed as unresolved.
 */
export function findTriggerResources(template: Record<string, unknown>): TriggerResource[] {
  const resources = (template['Resources'] ?? {}) as Resources;
  return Object.entries(resources)
    .filter(([, r]) => r && r.Type === 'Custom::PipelineTrigger')
    .map(([logicalId, r]) => {
      const unresolved: string[] = [];
      const resolved: string[] = [];
      /** The value, or its resolution, or a placeholder (recorded either way). */
      const valueOf = (where: string, value: unknown, placeholder: unknown): unknown => {
        if (!isIntrinsic(value)) return value;
        const resolution = resolveIntrinsic(value, template);
        if (resolution === undefined) {
          unresolved.push(where);
          return placeholder;
        }
        resolved.push(where);
        return resolution;
      };
      const properties: Record<string, unknown> = {};
      for (const [name, value] of Object.entries((r.Properties ?? {}) as Record<string, unknown>)) {
        if (name === 'ServiceToken') {
          properties[name] = 'service-token'; // the function's ARN: not part of the trigger
        } else if (isIntrinsic(value)) {
          const resolution = valueOf(name, value, placeholderFor(name));
          // A list property given as one string (a parameter's default) is a one-item list.
          properties[name] = LIST_PROPERTIES.has(name) && typeof resolution === 'string' ? [resolution] : resolution;
        } else if (Array.isArray(value)) {
          properties[name] = value.map((item, i) => valueOf(`${name}[${i}]`, item, PLACEHOLDER[name] ?? 'placeholder'));
        } else if (name === 'Variables' && value && typeof value === 'object') {
          properties[name] = Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([variable, v]) => [
              variable,
              valueOf(`Variables.${variable}`, v, 'placeholder'),
            ]),
          );
        } else {
          properties[name] = value;
        }
      }
      return { logicalId, properties, unresolved, resolved };
    });
}
