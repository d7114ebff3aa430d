import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The partition as cdk-nag prints it inside a finding's resource: the literal partition when the stack's
 * region is known (the `@aws-cdk/core:enablePartitionLiterals` flag a new app sets), else the token.
 */
export function nagPartition(scope: IConstruct): string {
  const partition = Stack.of(scope).partition;
  return Token.isUnresolved(partition) ? '<AWS::Partition>' : partition;
}
