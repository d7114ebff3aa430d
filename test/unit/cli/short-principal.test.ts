import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../../functions/core/cloudtrail/validate-record.ts';
import { createDetector, invalidFinding } from '../../../functions/core/detect/detector.ts';
import { InMemoryState } from '../../../functions/core/state/in-memory-state.ts';
import { shortPrincipal } from '../../../cli/table/finding-table.ts';
import { loadDefaultPolicy } from '../../helpers/policy.ts';

const base = { eventID: 'e1', eventTime: '2026-11-20T09:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', awsRegion: 'us-east-1', recipientAccountId: '111122223333' };

async function principalShown(userIdentity: Record<string, unknown>): Promise<string> {
  const result = validateRecord({ kind: 'record', record: { ...base, userIdentity }, origin: 'test' });
  const detector = createDetector(await loadDefaultPolicy(), new InMemoryState());
  const [finding] = result.ok ? await detector.evaluate(result.record) : [invalidFinding(result)];
  return shortPrincipal(finding!);
}

describe('shortPrincipal', () => {
  it('names each kind of principal as people tell them apart', async () => {
    expect(await principalShown({ type: 'IAMUser', principalId: 'AIDAEXAMPLEBOB000001', arn: 'arn:aws:iam::111122223333:user/bob', accountId: '111122223333', userName: 'bob' })).toBe('user/bob');
    expect(await principalShown({ type: 'AssumedRole', principalId: 'AROAEXAMPLEDEVOPS001:alice', arn: 'arn:aws:sts::111122223333:assumed-role/DevOps/alice', accountId: '111122223333' })).toBe('DevOps/alice');
    expect(await principalShown({ type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' })).toBe('root');
    expect(await principalShown({ type: 'FederatedUser', principalId: '111122223333:helper', arn: 'arn:aws:sts::111122223333:federated-user/helper', accountId: '111122223333' })).toBe('federated-user/helper');
  });
});
