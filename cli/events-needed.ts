import { eventNamesOf } from '../functions/core/cloudtrail/action-names.ts';
import type { CompiledRule } from '../functions/core/policy/compile-policy.ts';
import { isDataEventAction } from '../functions/core/policy/data-events.ts';
import { isReadOnlyManagementEvent } from '../functions/core/policy/read-only-events.ts';

/**
 * What a rule needs from the trail beyond write management events: data events (the trail must have
 * selectors for them) and read-only management events (the stack's rules receive them; listed so their
 * volume and cost can be judged).
 */
export function eventsNeeded(rule: CompiledRule): { readonly dataEvents?: string[]; readonly readOnlyEvents?: string[] } {
  const dataEvents = rule.actions.filter(isDataEventAction);
  const readOnlyEvents = rule.actions.filter((action) => {
    const { eventSource, eventNames } = eventNamesOf(action);
    return !isDataEventAction(action) && eventNames.some((name) => isReadOnlyManagementEvent(eventSource, name));
  });
  return { ...(dataEvents.length > 0 ? { dataEvents } : {}), ...(readOnlyEvents.length > 0 ? { readOnlyEvents } : {}) };
}
