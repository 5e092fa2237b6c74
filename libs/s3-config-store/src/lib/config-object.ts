import {
  formatIssues,
  LIMITS,
  ownerSchema,
  readTriggerConfig,
  type ConfigIssue,
  type TriggerConfig,
} from '@monorepo-triggers/config-schema';
import { configKey, parseConfigKey } from './config-key';
import type { InvalidConfig, StoredConfig } from './config-store.types';

// One config object as the store reads it, from its bytes: valid, or invalid with why. Pure: the
// store's GETs, cache and snapshots decide when to read, this what was read says.

/**
 * A config object as read: valid or not. `text`, the object's exact bytes, is kept only while this
 * container may still write the repository's snapshot (which holds it, so entries prove themselves).
 */
export type ReadOutcome = ({ ok: true; value: StoredConfig } | { ok: false; value: InvalidConfig }) & { text?: string };

export function readConfigObject(prefix: string, key: string, etag: string, text: string): ReadOutcome {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const issues = [{ path: '(root)', message: `is not JSON: ${(error as Error).message}` }];
    return { ok: false, value: { key, etag, issues, error: formatIssues(issues) } };
  }
  return configOutcome(prefix, key, etag, json);
}

/**
 * A parsed config document as the store reads it: fully validated as a write would be, read with the
 * fields this release knows when it is newer, and refused when its body names another key.
 */
function configOutcome(prefix: string, key: string, etag: string, json: unknown): ReadOutcome {
  const invalid = (issues: ConfigIssue[], owner?: TriggerConfig['owner']): ReadOutcome => ({
    ok: false,
    value: { key, etag, issues, error: formatIssues(issues), ...(owner ? { owner } : {}) },
  });
  // Objects read back get the same full validation as writes: one written to S3 by hand is refused
  // here, beside the others, rather than trusted. Paid once per object version (cached by ETag).
  // A newer release's config is read with the fields this release knows (config-format.ts).
  const result = readTriggerConfig(json);
  if (!result.ok) {
    const owner = ownerSchema.safeParse((json as { owner?: unknown } | null)?.owner);
    const refused = invalid(result.issues, owner.success ? owner.data : undefined);
    if (result.needsReader !== undefined) (refused.value as InvalidConfig).needsReader = result.needsReader;
    return refused;
  }
  // The key decides which repository and pipeline a config serves; a body that disagrees was
  // copied or edited by hand, and acting on either half would surprise someone.
  const expected = configKey(prefix, result.value.repository, result.value.pipelineName);
  if (expected !== key) {
    const named = parseConfigKey(prefix, key);
    return invalid([
      {
        path: '(root)',
        message: `names ${result.value.repository} / ${result.value.pipelineName}, but its key is for ${named ? `${named.repository} / ${named.pipelineName}` : 'neither'} (expected key ${expected})`,
      },
    ]);
  }
  return { ok: true, value: { key, etag, config: result.value, ...(result.newer ? { newer: result.newer } : {}) } };
}

/** An object too large to be a config: invalid, known from its size, its bytes never read. */
export function oversizedOutcome(key: string, etag: string, size: number): ReadOutcome {
  const issues = [
    { path: '(root)', message: `is ${size} bytes, over the ${LIMITS.configBytes} a config may take: not read (docs/security.md)` },
  ];
  return { ok: false, value: { key, etag, issues, error: formatIssues(issues) } };
}
