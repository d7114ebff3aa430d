import type { ContainmentCase } from '../helpers/containment-harness.ts';
import { ACCOUNT, T, assumeRole, call, keysOf, move, putRolePolicy, session, user, webIdentity } from '../helpers/trail-builders.ts';

/**
 * A day of one organization, as cases: people, pipelines and agents sharing credentials (developers who run
 * agents through the AWS MCP server on their own sessions and keys, roles assumed twice, tagged for the agent
 * and untagged for the person, CI runners that launch review agents and also deploy, functions named like
 * people, break glass, people doing the very things the rules forbid agents). Each case's events go through the
 * guard; then every agent's next moves must be denied and every person's moves allowed (precision.test.ts).
 * Records follow CloudTrail's documented shapes (test/helpers/trail-builders.ts).
 */

const APP_ROLE = `arn:aws:iam::${ACCOUNT}:role/App`;
const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail`;

/** A developer's agent and the developer, on the same role and the same key. */
function developerLaunchesAgentThenWorksHerself(): ContainmentCase {
  const alice = user('alice', 1);
  const agent = session('DevOps', 'alice-agent', 'ASIAEXAMPLEALICEAG01', T(1));
  const herself = session('DevOps', 'alice', 'ASIAEXAMPLEALICESE01', T(2));
  return {
    name: 'developer-launches-agent-then-works-herself',
    description: 'Alice assumes DevOps with the agent tag for her agent, then without it for herself: the agent is contained; Alice, her key and her own sessions are not',
    iam: keysOf(alice),
    events: [assumeRole(alice, agent, true), assumeRole(alice, herself, false), putRolePolicy(agent, T(3)), putRolePolicy(herself, T(4)), assumeRole(alice, session('DevOps', 'alice', 'ASIAEXAMPLEALICESE02', T(5)), false)],
    moves: [
      move('agent', "alice's agent", 'the agent changes a role policy again', agent, 'iam:PutRolePolicy', APP_ROLE, { tagged: true }),
      move('human', 'alice', 'alice changes a role policy in her own session (a person may)', herself, 'iam:PutRolePolicy', APP_ROLE),
      move('human', 'alice', 'alice assumes DevOps again with her key', alice, 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/DevOps`),
      move('human', 'alice', "alice's later session", session('DevOps', 'alice', 'ASIAEXAMPLEALICESE02', T(5)), 's3:ListAllMyBuckets', '*'),
    ],
  };
}

/** An agent on the MCP server with a person's long-term key. */
function mcpAgentOnPersonsKey(): ContainmentCase {
  const bob = user('bob', 2);
  return {
    name: 'mcp-agent-on-persons-key',
    description: "Bob's assistant deletes a bucket through the AWS MCP server with Bob's IAM-user key: its MCP requests are quarantined; Bob's key and his direct calls are not touched",
    iam: keysOf(bob),
    events: [call(bob, T(10), 's3.amazonaws.com', 'DeleteBucket', { viaMcp: true, requestParameters: { bucketName: 'scratch' } })],
    moves: [
      move('agent', "bob's assistant", 'anything through the MCP server', bob, 's3:ListAllMyBuckets', '*', { viaMcp: true }),
      move('agent', "bob's assistant", 'another bucket through the MCP server', bob, 's3:DeleteBucket', 'arn:aws:s3:::other', { viaMcp: true }),
      move('human', 'bob', 'bob lists his buckets directly', bob, 's3:ListAllMyBuckets', '*'),
      move('human', 'bob', 'bob deletes a bucket himself', bob, 's3:DeleteBucket', 'arn:aws:s3:::scratch2'),
    ],
  };
}

/** A tagged agent stops the trail on a role people share. */
function auditEvasionOnSharedRole(): ContainmentCase {
  const ci = user('ci-runner', 3);
  const agent = session('Platform', 'review-agent', 'ASIAEXAMPLEPLATAG01', T(20));
  const carol = session('Platform', 'carol', 'ASIAEXAMPLECAROL001', T(15));
  return {
    name: 'audit-evasion-on-shared-role',
    description: 'A tagged agent session stops CloudTrail on the Platform role Carol also uses: the agent is quarantined, Carol is not, and the role is not marked',
    iam: keysOf(ci),
    events: [assumeRole(ci, agent, true), call(agent, T(21), 'cloudtrail.amazonaws.com', 'StopLogging', { requestParameters: { name: 'org-trail' } })],
    moves: [
      move('agent', 'review agent', 'anything in its session', agent, 's3:ListAllMyBuckets', '*', { tagged: true }),
      move('agent', 'review agent', 'a fresh tagged session of the role', session('Platform', 'review-agent-2', 'ASIAEXAMPLEPLATAG02', T(25)), 'cloudtrail:StopLogging', TRAIL, { tagged: true }),
      move('human', 'carol', 'carol works on the role', carol, 's3:ListAllMyBuckets', '*'),
      move('human', 'carol', 'carol changes the trail herself (a person may)', carol, 'cloudtrail:UpdateTrail', TRAIL),
      move('human', 'ci-runner', 'the runner assumes the role for a deploy', ci, 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/Platform`),
    ],
  };
}

/** Two different agents on one role, each under the escalation threshold. */
function twoAgentsOneRole(): ContainmentCase {
  const alice = user('alice', 4);
  const bob = user('bob', 5);
  const a = session('DevOps', 'agent-a', 'ASIAEXAMPLEAGENTA001', T(30));
  const b = session('DevOps', 'agent-b', 'ASIAEXAMPLEAGENTB001', T(30, 30));
  const dave = session('DevOps', 'dave', 'ASIAEXAMPLEDAVE0001', T(29));
  return {
    name: 'two-agents-one-role',
    description: "Two people's agents on DevOps each try twice to change a policy (the rule escalates after 3): strikes count per agent, so neither is quarantined and Dave, on the role, keeps working",
    iam: keysOf(alice, bob),
    events: [assumeRole(alice, a, true), assumeRole(bob, b, true), putRolePolicy(a, T(31)), putRolePolicy(b, T(32)), putRolePolicy(a, T(33)), putRolePolicy(b, T(34))],
    moves: [
      move('agent', 'agent a', 'agent a changes a policy again', a, 'iam:PutRolePolicy', APP_ROLE, { tagged: true }),
      move('agent', 'agent b', 'agent b changes a policy again', b, 'iam:PutRolePolicy', APP_ROLE, { tagged: true }),
      move('human', 'dave', 'dave works on the role', dave, 's3:ListAllMyBuckets', '*'),
      move('human', 'dave', 'dave changes a policy himself', dave, 'iam:PutRolePolicy', APP_ROLE),
    ],
  };
}

/** Every GitHub Actions job's session is called GitHubActions. */
function githubJobsShareASessionName(): ContainmentCase {
  const review = session('Deploy', 'GitHubActions', 'ASIAEXAMPLEGHREVIEW1', T(40));
  const deploy = session('Deploy', 'GitHubActions', 'ASIAEXAMPLEGHDEPLOY1', T(45));
  return {
    name: 'github-jobs-share-a-session-name',
    description: "A review agent's job (tagged by its OIDC claims) changes a policy; the next deploy job, whose session has the same name, is a pipeline: it keeps working and inherits no verdict",
    events: [
      webIdentity(review, true),
      putRolePolicy(review, T(41)),
      webIdentity(deploy, false),
      putRolePolicy(deploy, T(46)),
      call(deploy, T(47), 'lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', { requestParameters: { functionName: 'app' } }),
    ],
    moves: [
      move('agent', 'review agent', 'the review job changes a policy again', review, 'iam:PutRolePolicy', APP_ROLE, { tagged: true }),
      move('human', 'deploy pipeline', 'the deploy job changes a role policy', deploy, 'iam:PutRolePolicy', APP_ROLE),
      move('human', 'deploy pipeline', 'the deploy job updates function code', deploy, 'lambda:UpdateFunctionCode', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:app`),
    ],
  };
}

/** An agent launches a function whose name is a person's session name on another role. */
function functionNamedLikeAPerson(): ContainmentCase {
  const ci = user('ci-runner', 6);
  const agent = session('DevOps', 'agent-fn', 'ASIAEXAMPLEAGENTFN01', T(50));
  const erin = session('Support', 'erin', 'ASIAEXAMPLEERIN0001', T(49));
  const fnSession = session('AppRole', 'erin', 'ASIAEXAMPLEFNERIN001', T(52));
  return {
    name: 'function-named-like-a-person',
    description: "An agent creates a function named 'erin' with AppRole; Erin's own session on the Support role, also named erin, is a person's and is never bound",
    iam: keysOf(ci),
    events: [
      assumeRole(ci, agent, true),
      call(agent, T(51), 'lambda.amazonaws.com', 'CreateFunction20150331', {
        requestParameters: { functionName: 'erin', role: `arn:aws:iam::${ACCOUNT}:role/AppRole`, runtime: 'nodejs22.x' },
        responseElements: { functionName: 'erin', functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:erin` },
      }),
      putRolePolicy(erin, T(53)),
      putRolePolicy(fnSession, T(54)),
    ],
    moves: [
      move('agent', "the agent's function", 'the function changes a policy again', fnSession, 'iam:PutRolePolicy', APP_ROLE),
      move('human', 'erin', 'erin changes a role policy on Support', erin, 'iam:PutRolePolicy', APP_ROLE),
      move('human', 'erin', 'erin works on Support', erin, 's3:ListAllMyBuckets', '*'),
    ],
  };
}

/** Someone tampers with the guardrail; a colleague on the same role goes on working. */
function tamperBesideABystander(): ContainmentCase {
  const frank = session('Admin', 'frank', 'ASIAEXAMPLEFRANK001', T(55));
  const grace = session('Admin', 'grace', 'ASIAEXAMPLEGRACE001', T(50));
  return {
    name: 'tamper-beside-a-bystander',
    description: "Frank deletes a guardrail policy from a role; the tamper response binds Frank's session only: Grace, on the same Admin role, still manages role policies",
    events: [call(frank, T(56), 'iam.amazonaws.com', 'DeleteRolePolicy', { requestParameters: { roleName: 'DevOps', policyName: 'AgentGuardrail-DenyActions' } })],
    moves: [
      move('human', 'grace', 'grace deletes an inline policy of another role', grace, 'iam:DeleteRolePolicy', `arn:aws:iam::${ACCOUNT}:role/App`),
      move('human', 'grace', 'grace works on the role', grace, 's3:ListAllMyBuckets', '*'),
    ],
  };
}

/** A pipeline that launches a review agent and deploys, after the agent's sessions were revoked. */
function runnerDeploysAfterItsAgentWasRevoked(): ContainmentCase {
  const ci = user('ci-runner', 7);
  const agent = session('Build', 'review-1', 'ASIAEXAMPLEBUILDAG1', T(1));
  const remint = session('Build', 'review-2', 'ASIAEXAMPLEBUILDAG2', T(5));
  const deploy = session('Build', 'deploy-1', 'ASIAEXAMPLEBUILDDP1', T(6));
  return {
    name: 'runner-deploys-after-its-agent-was-revoked',
    description: "The runner's review agent mints a key (its sessions are revoked); the runner mints a tagged session again (revoked as it is minted) and an untagged one to deploy (a pipeline's: untouched), and its key stays active",
    iam: keysOf(ci),
    events: [
      assumeRole(ci, agent, true),
      call(agent, T(2), 'iam.amazonaws.com', 'CreateAccessKey', { requestParameters: { userName: 'svc' }, responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLESVCKEY001', status: 'Active', userName: 'svc' } } }),
      assumeRole(ci, remint, true),
      assumeRole(ci, deploy, false),
      putRolePolicy(deploy, T(7)),
    ],
    moves: [
      move('agent', 'review agent', 'the revoked session', agent, 's3:ListAllMyBuckets', '*', { tagged: true }),
      move('agent', 'review agent', 'the session minted after the revocation', remint, 's3:ListAllMyBuckets', '*', { tagged: true }),
      move('human', 'ci-runner', 'the deploy session changes a role policy', deploy, 'iam:PutRolePolicy', APP_ROLE),
      move('human', 'ci-runner', "the runner's own key assumes the role", ci, 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/Build`),
    ],
  };
}

/** A person on the role that breaks glass, beside an agent on it through MCP. */
function breakGlassBesideAnAgent(): ContainmentCase {
  const henry = session('OrganizationAccountAccessRole', 'henry', 'ASIAEXAMPLEHENRY001', T(10));
  const ivy = session('OrganizationAccountAccessRole', 'ivy', 'ASIAEXAMPLEIVY00001', T(11));
  return {
    name: 'break-glass-beside-an-agent',
    description: "Henry, breaking glass on the protected role, deletes a trail himself (never contained); Ivy's assistant on the same role deletes one through the MCP server (its MCP requests denied by SCP), and Ivy works on",
    events: [
      call(henry, T(12), 'cloudtrail.amazonaws.com', 'DeleteTrail', { requestParameters: { name: 'old-trail' } }),
      call(ivy, T(13), 'cloudtrail.amazonaws.com', 'DeleteTrail', { viaMcp: true, requestParameters: { name: 'org-trail' } }),
    ],
    moves: [
      move('agent', "ivy's assistant", 'anything through the MCP server', ivy, 's3:ListAllMyBuckets', '*', { viaMcp: true }),
      move('human', 'henry', 'henry goes on breaking glass', henry, 'cloudtrail:DeleteTrail', TRAIL),
      move('human', 'ivy', 'ivy works directly', ivy, 's3:ListAllMyBuckets', '*'),
    ],
  };
}

/** Every case of the day, in order. */
export function organizationDay(): ContainmentCase[] {
  return [
    developerLaunchesAgentThenWorksHerself(),
    mcpAgentOnPersonsKey(),
    auditEvasionOnSharedRole(),
    twoAgentsOneRole(),
    githubJobsShareASessionName(),
    functionNamedLikeAPerson(),
    tamperBesideABystander(),
    runnerDeploysAfterItsAgentWasRevoked(),
    breakGlassBesideAnAgent(),
  ];
}
