import { createHash } from 'node:crypto';
import type { AttackTechnique, TechniqueCall } from './attack-techniques.ts';

const ACCOUNT = '111122223333';
const ROLE_ID = 'AROAEXAMPLEAPPROLE01';

/** Who makes the calls: an agent through the AWS MCP server (or an agent's user agent), or a person. */
export type Actor = 'agent' | 'human';

function identityOf(call: TechniqueCall, actor: Actor): Record<string, unknown> {
  if (call.identity === 'iam-user') {
    return { type: 'IAMUser', principalId: 'AIDAEXAMPLESTRATUS01', arn: `arn:aws:iam::${ACCOUNT}:user/ops-user`, accountId: ACCOUNT, userName: 'ops-user' };
  }
  const session = actor === 'agent' ? 'agent-run' : 'alice@example.com';
  return {
    type: 'AssumedRole',
    principalId: `${ROLE_ID}:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app-role/${session}`,
    accountId: ACCOUNT,
    accessKeyId: actor === 'agent' ? 'ASIAEXAMPLEAGENT0099' : 'ASIAEXAMPLEALICE0099',
    sessionContext: { sessionIssuer: { type: 'Role', principalId: ROLE_ID, arn: `arn:aws:iam::${ACCOUNT}:role/app-role`, accountId: ACCOUNT, userName: 'app-role' } },
    ...(actor === 'agent' ? { invokedBy: 'aws-mcp.amazonaws.com' } : {}),
  };
}

/**
 * The CloudTrail records of a technique, in the shape CloudTrail logs them, made by `actor`. An agent's
 * role session comes through the AWS MCP server; an agent's console sign-in carries its user agent.
 */
export function techniqueRecords(technique: AttackTechnique, actor: Actor): Record<string, unknown>[] {
  return technique.calls.map((call, index) => {
    const viaMcp = actor === 'agent' && call.identity !== 'iam-user';
    return {
      eventVersion: '1.11',
      // Distinct per technique and call, so no two records share an ID (the pipeline claims events by ID).
      eventID: `5e5e0000-0000-4000-8000-${createHash('sha256').update(`${technique.id}#${index}#${actor}`).digest('hex').slice(0, 12)}`,
      eventTime: new Date(Date.UTC(2026, 10, 20, 9, 0, index)).toISOString().replace('.000Z', 'Z'),
      eventSource: call.eventSource,
      eventName: call.eventName,
      awsRegion: 'us-east-1',
      recipientAccountId: ACCOUNT,
      sourceIPAddress: viaMcp ? 'aws-mcp.amazonaws.com' : '203.0.113.10',
      userAgent: viaMcp ? 'aws-mcp.amazonaws.com' : actor === 'agent' ? 'claude-code/2.1 aws-sdk-js/3.900' : 'Mozilla/5.0 (X11; Linux x86_64)',
      userIdentity: identityOf(call, actor),
      requestParameters: call.requestParameters ?? null,
      responseElements: call.responseElements ?? null,
      ...(call.additionalEventData ? { additionalEventData: call.additionalEventData } : {}),
      readOnly: call.readOnly ?? false,
      eventType: call.eventSource === 'signin.amazonaws.com' ? 'AwsConsoleSignIn' : 'AwsApiCall',
      managementEvent: !call.dataEvent,
    };
  });
}
