/**
 * IAM actions whose calls CloudTrail logs as data events: only trails (or event data stores) with data-event
 * selectors for the resource type record them, so only then do they reach EventBridge. Object-level S3
 * operations, Lambda invocations and DynamoDB item operations, the data events the shipped policy can name.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
 */
const DYNAMODB_ITEM_ACTIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems', 'ConditionCheckItem', 'PartiQLSelect', 'PartiQLInsert', 'PartiQLUpdate', 'PartiQLDelete']);

export function isDataEventAction(action: string): boolean {
  const [service, name = ''] = action.split(':') as [string, string?];
  if (service === 's3') return /Object/.test(name) && !name.startsWith('PutBucket') && !name.startsWith('GetBucket');
  if (service === 'lambda') return name === 'InvokeFunction';
  if (service === 'dynamodb') return DYNAMODB_ITEM_ACTIONS.has(name);
  return false;
}
