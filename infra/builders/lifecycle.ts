// Cloud Storage lifecycle rules in the provider's shape, from the catalog's declarations.
import type { LifecycleRule } from '../../contracts/catalog';

export interface LifecycleRuleInput {
  action: { type: 'SetStorageClass' | 'Delete' | 'AbortIncompleteMultipartUpload'; storageClass?: string };
  condition: { age?: number; withState?: 'ANY'; daysSinceNoncurrentTime?: number };
}

export function lifecycleRules(rules: LifecycleRule[]): LifecycleRuleInput[] {
  return rules.map((rule) => {
    if (rule.action === 'DeleteNoncurrent') return { action: { type: 'Delete' }, condition: { daysSinceNoncurrentTime: rule.ageDays } };
    // Delete applies to noncurrent versions too, so a versioned bucket's retention really ends.
    const condition = { age: rule.ageDays, ...(rule.action === 'Delete' ? { withState: 'ANY' as const } : {}) };
    if (rule.action === 'SetStorageClass') return { action: { type: rule.action, storageClass: rule.storageClass }, condition };
    return { action: { type: rule.action }, condition };
  });
}
