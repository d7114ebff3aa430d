import type { OrganizationsClient } from '@aws-sdk/client-organizations';

/**
 * The active accounts under the StackSet's deployment targets (roots or OUs, and every OU below them): the
 * accounts that must have the member stack. The management account is left out, since a service-managed
 * StackSet never deploys to it. Organizations answers these reads in the management account or a delegated
 * administrator, which the security account is for StackSets.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
 */
export async function accountsInScope(client: OrganizationsClient, targets: readonly string[], managementAccount: string): Promise<string[]> {
  const org = await import('@aws-sdk/client-organizations');
  const accounts = new Set<string>();
  const queue = [...targets];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const parent = queue.shift()!;
    if (seen.has(parent)) continue;
    seen.add(parent);
    for await (const page of org.paginateListAccountsForParent({ client }, { ParentId: parent })) {
      for (const account of page.Accounts ?? []) {
        const active = (account.State ?? account.Status) === 'ACTIVE';
        if (account.Id && active && account.Id !== managementAccount) accounts.add(account.Id);
      }
    }
    for await (const page of org.paginateListOrganizationalUnitsForParent({ client }, { ParentId: parent })) {
      for (const unit of page.OrganizationalUnits ?? []) if (unit.Id) queue.push(unit.Id);
    }
  }
  return [...accounts].sort();
}
