/**
 * The AWS techniques of Stratus Red Team's catalogue (https://stratus-red-team.cloud/attack-techniques/AWS/,
 * DataDog/stratus-red-team docs/attack-techniques/AWS/index.md) with the MITRE ATT&CK technique each
 * implements and the CloudTrail call(s) that carry it, written from the documented record shapes (and the
 * Stratus detonation records in test/corpus). `check --coverage` runs them through the policy.
 */
export interface TechniqueCall {
  readonly eventSource: string;
  readonly eventName: string;
  readonly requestParameters?: Record<string, unknown> | null;
  readonly responseElements?: Record<string, unknown> | null;
  readonly additionalEventData?: Record<string, unknown>;
  readonly readOnly?: boolean;
  /** Logged only when the trail records data events for the resource type. */
  readonly dataEvent?: boolean;
  /** Who makes it: a role session (default) or an IAM user (console sign-in). */
  readonly identity?: 'role-session' | 'iam-user';
}

export interface AttackTechnique {
  readonly id: string;
  readonly name: string;
  readonly tactic: string;
  readonly attack: readonly string[];
  readonly calls: readonly TechniqueCall[];
  /** Why the shipped policy does not cover it, when it does not. */
  readonly leftOut?: string;
}

const ec2 = 'ec2.amazonaws.com';
const iam = 'iam.amazonaws.com';
const lambda = 'lambda.amazonaws.com';
const s3 = 's3.amazonaws.com';
const ssm = 'ssm.amazonaws.com';
const FOREIGN = '193672423079';
const sendCommand: TechniqueCall = {
  eventSource: ssm,
  eventName: 'SendCommand',
  requestParameters: { documentName: 'AWS-RunShellScript', instanceIds: ['i-0a1b2c3d4e5f60718'], parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
};

export const AWS_TECHNIQUES: readonly AttackTechnique[] = [
  { id: 'aws.initial-access.console-login-without-mfa', name: 'Console Login without MFA', tactic: 'Initial Access', attack: ['T1078.004'], calls: [
    { eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', identity: 'iam-user', requestParameters: null, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' } },
  ] },
  { id: 'aws.execution.ec2-launch-unusual-instances', name: 'Launch Unusual EC2 instances', tactic: 'Execution', attack: ['T1578.002'], calls: [
    { eventSource: ec2, eventName: 'RunInstances', requestParameters: { instancesSet: { items: [{ imageId: 'ami-0c2b8ca1dad447f8a', minCount: 1, maxCount: 10 }] }, instanceType: 'p2.xlarge' } },
  ] },
  { id: 'aws.execution.ec2-user-data', name: 'Execute Commands on EC2 Instance via User Data', tactic: 'Execution, Privilege Escalation', attack: ['T1059'], calls: [
    { eventSource: ec2, eventName: 'ModifyInstanceAttribute', requestParameters: { instanceId: 'i-0a1b2c3d4e5f60718', userData: '<sensitiveDataRemoved>' } },
  ] },
  { id: 'aws.execution.sagemaker-update-lifecycle-config', name: 'Create/Update SageMaker Lifecycle Configuration for Privilege Escalation', tactic: 'Execution, Privilege Escalation', attack: ['T1059'], calls: [
    { eventSource: 'sagemaker.amazonaws.com', eventName: 'CreateNotebookInstanceLifecycleConfig', requestParameters: { notebookInstanceLifecycleConfigName: 'stratus-lifecycle', onStart: [{ content: 'HIDDEN_DUE_TO_SECURITY_REASONS' }] } },
  ] },
  { id: 'aws.execution.ssm-send-command', name: 'Usage of ssm:SendCommand on multiple instances', tactic: 'Execution', attack: ['T1651'], calls: [sendCommand] },
  { id: 'aws.execution.ssm-start-session', name: 'Usage of ssm:StartSession on multiple instances', tactic: 'Execution', attack: ['T1651'], calls: [
    { eventSource: ssm, eventName: 'StartSession', requestParameters: { target: 'i-0a1b2c3d4e5f60718' } },
  ] },
  { id: 'aws.persistence.iam-backdoor-role', name: 'Backdoor an IAM Role', tactic: 'Persistence', attack: ['T1098'], calls: [
    { eventSource: iam, eventName: 'UpdateAssumeRolePolicy', requestParameters: { roleName: 'app-role', policyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${FOREIGN}:root"},"Action":"sts:AssumeRole"}]}` } },
  ] },
  { id: 'aws.persistence.iam-backdoor-user', name: 'Create an Access Key on an IAM User', tactic: 'Persistence, Privilege Escalation', attack: ['T1098.001'], calls: [
    { eventSource: iam, eventName: 'CreateAccessKey', requestParameters: { userName: 'stratus-user' }, responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLESTRATUS01', status: 'Active', userName: 'stratus-user', createDate: 'Nov 20, 2026 9:00:00 AM' } } },
  ] },
  { id: 'aws.persistence.iam-create-admin-user', name: 'Create an administrative IAM User', tactic: 'Persistence, Privilege Escalation', attack: ['T1136.003'], calls: [
    { eventSource: iam, eventName: 'CreateUser', requestParameters: { userName: 'malicious-iam-user' } },
    { eventSource: iam, eventName: 'AttachUserPolicy', requestParameters: { userName: 'malicious-iam-user', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } },
  ] },
  { id: 'aws.persistence.iam-create-backdoor-role', name: 'Create a backdoored IAM Role', tactic: 'Persistence', attack: ['T1136.003'], calls: [
    { eventSource: iam, eventName: 'CreateRole', requestParameters: { roleName: 'stratus-red-team-malicious-iam-role', assumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${FOREIGN}:root"},"Action":"sts:AssumeRole"}]}` } },
    { eventSource: iam, eventName: 'AttachRolePolicy', requestParameters: { roleName: 'stratus-red-team-malicious-iam-role', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } },
  ] },
  { id: 'aws.persistence.iam-create-user-login-profile', name: 'Create a Login Profile on an IAM User', tactic: 'Persistence, Privilege Escalation', attack: ['T1098.001'], calls: [
    { eventSource: iam, eventName: 'CreateLoginProfile', requestParameters: { userName: 'stratus-user', passwordResetRequired: false } },
  ] },
  { id: 'aws.persistence.lambda-backdoor-function', name: 'Backdoor Lambda Function Through Resource-Based Policy', tactic: 'Persistence', attack: ['T1546'], calls: [
    { eventSource: lambda, eventName: 'AddPermission20150331v2', requestParameters: { functionName: 'stratus-function', statementId: 'backdoor', action: 'lambda:InvokeFunction', principal: '*' } },
  ] },
  { id: 'aws.persistence.lambda-layer-extension', name: 'Add a Malicious Lambda Extension', tactic: 'Persistence, Privilege Escalation', attack: ['T1546'], calls: [
    { eventSource: lambda, eventName: 'UpdateFunctionConfiguration20150331v2', requestParameters: { functionName: 'stratus-function', layers: [`arn:aws:lambda:us-east-1:${FOREIGN}:layer:extension:1`] } },
  ] },
  { id: 'aws.persistence.lambda-overwrite-code', name: 'Overwrite Lambda Function Code', tactic: 'Persistence', attack: ['T1525'], calls: [
    { eventSource: lambda, eventName: 'UpdateFunctionCode20150331v2', requestParameters: { functionName: 'stratus-function', publish: false } },
  ] },
  { id: 'aws.persistence.rolesanywhere-create-trust-anchor', name: 'Create an IAM Roles Anywhere trust anchor', tactic: 'Persistence, Privilege Escalation', attack: ['T1098'], calls: [
    { eventSource: 'rolesanywhere.amazonaws.com', eventName: 'CreateTrustAnchor', requestParameters: { name: 'stratus-anchor', enabled: true, source: { sourceType: 'CERTIFICATE_BUNDLE' } } },
  ] },
  { id: 'aws.persistence.sts-federation-token', name: 'Generate temporary AWS credentials using GetFederationToken', tactic: 'Persistence', attack: ['T1550.001'], calls: [
    { eventSource: 'sts.amazonaws.com', eventName: 'GetFederationToken', requestParameters: { name: 'stratus', policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' } },
  ] },
  { id: 'aws.privilege-escalation.iam-update-user-login-profile', name: 'Change IAM user password', tactic: 'Privilege Escalation', attack: ['T1098.001'], calls: [
    { eventSource: iam, eventName: 'UpdateLoginProfile', requestParameters: { userName: 'stratus-user', passwordResetRequired: false } },
  ] },
  { id: 'aws.defense-evasion.cloudtrail-delete', name: 'Delete CloudTrail Trail', tactic: 'Defense Evasion', attack: ['T1562.008'], calls: [
    { eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail', requestParameters: { name: 'stratus-red-team-trail' } },
  ] },
  { id: 'aws.defense-evasion.cloudtrail-event-selectors', name: 'Disable CloudTrail Logging Through Event Selectors', tactic: 'Defense Evasion', attack: ['T1562.008'], calls: [
    { eventSource: 'cloudtrail.amazonaws.com', eventName: 'PutEventSelectors', requestParameters: { trailName: 'stratus-red-team-trail', eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: false, dataResources: [] }] } },
  ] },
  { id: 'aws.defense-evasion.cloudtrail-lifecycle-rule', name: 'CloudTrail Logs Impairment Through S3 Lifecycle Rule', tactic: 'Defense Evasion', attack: ['T1562.008'], calls: [
    { eventSource: s3, eventName: 'PutBucketLifecycle', requestParameters: { bucketName: 'stratus-trail-logs', lifecycle: '', LifecycleConfiguration: { Rule: { ID: 'nuke', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } } } } },
  ] },
  { id: 'aws.defense-evasion.cloudtrail-stop', name: 'Stop CloudTrail Trail', tactic: 'Defense Evasion', attack: ['T1562.008'], calls: [
    { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name: 'stratus-red-team-trail' } },
  ] },
  { id: 'aws.defense-evasion.dns-delete-logs', name: 'Delete DNS query logs', tactic: 'Defense Evasion', attack: ['T1562.008'], calls: [
    { eventSource: 'route53resolver.amazonaws.com', eventName: 'DeleteResolverQueryLogConfig', requestParameters: { resolverQueryLogConfigId: 'rqlc-0a1b2c3d4e5f6071' } },
  ] },
  { id: 'aws.defense-evasion.organizations-leave', name: 'Attempt to Leave the AWS Organization', tactic: 'Defense Evasion', attack: ['T1666'], calls: [
    { eventSource: 'organizations.amazonaws.com', eventName: 'LeaveOrganization', requestParameters: null },
  ] },
  { id: 'aws.defense-evasion.vpc-remove-flow-logs', name: 'Remove VPC Flow Logs', tactic: 'Defense Evasion', attack: ['T1562.008'], calls: [
    { eventSource: ec2, eventName: 'DeleteFlowLogs', requestParameters: { DeleteFlowLogsRequest: { FlowLogId: { content: 'fl-0a1b2c3d4e5f60718', tag: 1 } } } },
  ] },
  { id: 'aws.credential-access.ec2-get-password-data', name: 'Retrieve EC2 Password Data', tactic: 'Credential Access', attack: ['T1552'], calls: [
    { eventSource: ec2, eventName: 'GetPasswordData', readOnly: true, requestParameters: { instanceId: 'i-0a1b2c3d4e5f60718' } },
  ] },
  { id: 'aws.credential-access.ec2-steal-instance-credentials', name: 'Steal EC2 Instance Credentials', tactic: 'Credential Access', attack: ['T1552.005'], calls: [sendCommand] },
  { id: 'aws.credential-access.secretsmanager-batch-retrieve-secrets', name: 'Retrieve a High Number of Secrets Manager secrets (Batch)', tactic: 'Credential Access', attack: ['T1555.006'], calls: [
    { eventSource: 'secretsmanager.amazonaws.com', eventName: 'BatchGetSecretValue', readOnly: true, requestParameters: { filters: [{ key: 'tag-key', values: ['StratusRedTeam'] }] } },
  ] },
  { id: 'aws.credential-access.secretsmanager-retrieve-secrets', name: 'Retrieve a High Number of Secrets Manager secrets', tactic: 'Credential Access', attack: ['T1555.006'], calls: [
    { eventSource: 'secretsmanager.amazonaws.com', eventName: 'GetSecretValue', readOnly: true, requestParameters: { secretId: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:stratus-red-team-1-AbCdEf' } },
  ] },
  { id: 'aws.credential-access.ssm-retrieve-securestring-parameters', name: 'Retrieve And Decrypt SSM Parameters', tactic: 'Credential Access', attack: ['T1555.006'], calls: [
    { eventSource: ssm, eventName: 'GetParameters', readOnly: true, requestParameters: { names: ['/credentials/stratus-red-team/credentials-1'], withDecryption: true } },
  ] },
  { id: 'aws.discovery.ec2-enumerate-from-instance', name: 'Execute Discovery Commands on an EC2 Instance', tactic: 'Discovery', attack: ['T1580'], calls: [sendCommand] },
  { id: 'aws.discovery.ec2-download-user-data', name: 'Download EC2 Instance User Data', tactic: 'Discovery', attack: ['T1580'], calls: [
    { eventSource: ec2, eventName: 'DescribeInstanceAttribute', readOnly: true, requestParameters: { instanceId: 'i-0a1b2c3d4e5f60718', attribute: 'userData' } },
  ] },
  { id: 'aws.discovery.ses-enumerate', name: 'Enumerate SES', tactic: 'Discovery', attack: ['T1526'], calls: [
    { eventSource: 'ses.amazonaws.com', eventName: 'GetAccountSendingEnabled', readOnly: true, requestParameters: null },
    { eventSource: 'ses.amazonaws.com', eventName: 'ListIdentities', readOnly: true, requestParameters: null },
  ] },
  { id: 'aws.lateral-movement.ec2-serial-console-send-ssh-public-key', name: 'Usage of EC2 Serial Console to push SSH public key', tactic: 'Lateral Movement', attack: ['T1021'], calls: [
    { eventSource: 'ec2-instance-connect.amazonaws.com', eventName: 'SendSerialConsoleSSHPublicKey', requestParameters: { instanceId: 'i-0a1b2c3d4e5f60718', serialPort: 0, sSHPublicKey: 'ssh-ed25519 AAAAC3Nza' } },
  ] },
  { id: 'aws.lateral-movement.ec2-instance-connect', name: 'Usage of EC2 Instance Connect on multiple instances', tactic: 'Lateral Movement', attack: ['T1021'], calls: [
    { eventSource: 'ec2-instance-connect.amazonaws.com', eventName: 'SendSSHPublicKey', requestParameters: { instanceId: 'i-0a1b2c3d4e5f60718', instanceOSUser: 'ec2-user', sSHPublicKey: 'ssh-ed25519 AAAAC3Nza' } },
  ] },
  { id: 'aws.exfiltration.ec2-security-group-open-port-22-ingress', name: 'Open Ingress Port 22 on a Security Group', tactic: 'Exfiltration', attack: ['T1562.007'], calls: [
    { eventSource: ec2, eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupId: 'sg-003dc7f1f1c686164', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' } },
  ] },
  { id: 'aws.exfiltration.ec2-share-ami', name: 'Exfiltrate an AMI by Sharing It', tactic: 'Exfiltration', attack: ['T1537'], calls: [
    { eventSource: ec2, eventName: 'ModifyImageAttribute', requestParameters: { imageId: 'ami-0a1b2c3d4e5f60718', attributeType: 'launchPermission', launchPermission: { add: { items: [{ userId: '012345678912' }] } } } },
  ] },
  { id: 'aws.exfiltration.ec2-share-ebs-snapshot', name: 'Exfiltrate EBS Snapshot by Sharing It', tactic: 'Exfiltration', attack: ['T1537'], calls: [
    { eventSource: ec2, eventName: 'ModifySnapshotAttribute', requestParameters: { snapshotId: 'snap-041993b54a9b3af6f', attributeType: 'CREATE_VOLUME_PERMISSION', createVolumePermission: { add: { items: [{ userId: '098797384747' }] } } } },
  ] },
  { id: 'aws.exfiltration.rds-share-snapshot', name: 'Exfiltrate RDS Snapshot by Sharing', tactic: 'Exfiltration', attack: ['T1537'], calls: [
    { eventSource: 'rds.amazonaws.com', eventName: 'ModifyDBSnapshotAttribute', requestParameters: { dBSnapshotIdentifier: 'stratus-snapshot', attributeName: 'restore', valuesToAdd: ['012345678912'] } },
  ] },
  { id: 'aws.exfiltration.s3-backdoor-bucket-policy', name: 'Backdoor an S3 Bucket via its Bucket Policy', tactic: 'Exfiltration', attack: ['T1537'], calls: [
    { eventSource: s3, eventName: 'PutBucketPolicy', requestParameters: { bucketName: 'stratus-bucket', bucketPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` }, Action: ['s3:GetObject', 's3:GetBucketLocation', 's3:ListBucket'], Resource: ['arn:aws:s3:::stratus-bucket/*', 'arn:aws:s3:::stratus-bucket'] }] } } },
  ] },
  { id: 'aws.impact.bedrock-invoke-model', name: 'Invoke Bedrock Model', tactic: 'Impact', attack: ['T1496'], calls: [
    { eventSource: 'bedrock.amazonaws.com', eventName: 'InvokeModel', readOnly: true, requestParameters: { modelId: 'anthropic.claude-3-sonnet-20240229-v1:0' } },
  ] },
  { id: 'aws.impact.s3-ransomware-batch-deletion', name: 'S3 Ransomware through batch file deletion', tactic: 'Impact', attack: ['T1485'], calls: [
    { eventSource: s3, eventName: 'DeleteObjects', dataEvent: true, requestParameters: { bucketName: 'stratus-bucket', delete: '' } },
  ] },
  // Stratus overwrites each object with a copy encrypted under a key it holds (SSE-C): CloudTrail's data event
  // carries the request's x-amz-server-side-encryption-customer-algorithm among its request parameters.
  // https://stratus-red-team.cloud/attack-techniques/AWS/aws.impact.s3-ransomware-client-side-encryption/
  { id: 'aws.impact.s3-ransomware-client-side-encryption', name: 'S3 Ransomware through client-side encryption', tactic: 'Impact', attack: ['T1486'], calls: [
    { eventSource: s3, eventName: 'PutObject', dataEvent: true, requestParameters: { bucketName: 'stratus-bucket', key: 'data/file-1.txt', 'x-amz-server-side-encryption-customer-algorithm': 'AES256' } },
  ] },
  { id: 'aws.impact.s3-ransomware-individual-deletion', name: 'S3 Ransomware through individual file deletion', tactic: 'Impact', attack: ['T1485'], calls: [
    { eventSource: s3, eventName: 'DeleteObject', dataEvent: true, requestParameters: { bucketName: 'stratus-bucket', key: 'data/file-1.txt' } },
  ] },
];
