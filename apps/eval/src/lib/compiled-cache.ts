import { compileTrigger, type CompiledTrigger, type TriggerConfig } from '@monorepo-triggers/config-schema';

/**
 * Compiled triggers by config object. The store hands back the same parsed object while an object's
 * ETag is unchanged, so patterns are compiled once per config version, and a changed or deleted
 * config's entry is garbage-collected with its old object.
 */
export class CompiledTriggerCache {
  private readonly compiled = new WeakMap<TriggerConfig, CompiledTrigger>();

  get(config: TriggerConfig): CompiledTrigger {
    let trigger = this.compiled.get(config);
    if (!trigger) {
      trigger = compileTrigger(config);
      this.compiled.set(config, trigger);
    }
    return trigger;
  }
}
