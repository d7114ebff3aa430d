import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPreflight, preflightChecks, STACKSETS_PRINCIPAL, type PreflightFacts } from '../../../cli/preflight/preflight-checks.ts';
import { DEFAULT_ENABLED_REGIONS, parseDeploymentConfig } from '../../../infra/config.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CONTEXT = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context.agentGuardrail as Record<string, unknown>;
const config = parseDeploymentConfig(CONTEXT);

const ready: PreflightFacts = {
  callerArn: `arn:aws:iam::${config.managementAccount}:role/Admin`,
  organization: { id: config.organizationId, managementAccount: config.managementAccount },
  rootPolicyTypes: ['SERVICE_CONTROL_POLICY'],
  scpsByTarget: { 'r-exam': ['FullAWSAccess', 'AgentGuardrail-Standing'] },
  trustedServices: [STACKSETS_PRINCIPAL],
  stackSetsDelegatedAdministrators: [config.securityAccount],
  trails: [{ name: 'org', organization: true, multiRegion: true, logging: true, managementEvents: 'All' }],
  regions: [...DEFAULT_ENABLED_REGIONS.map((name) => ({ name, optInStatus: 'opt-in-not-required' })), { name: 'ap-east-1', optInStatus: 'not-opted-in' }],
};

describe('preflightChecks', () => {
  it('passes an organization ready for the deployment; the guardrail\'s own SCPs already attached are not counted twice', () => {
    const results = preflightChecks(config, ready, 3);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.find((r) => r.check === 'scp-slots r-exam')!.detail).toBe('1 attached (FullAWSAccess) + 4 of the guardrail = 5 of 5');
    expect(formatPreflight(results).split('\n').every((line) => line.startsWith('PASS  '))).toBe(true);
  });

  it('fails a trail that records no read events, a stopped or single-region one, an enabled opt-in region left unwatched', () => {
    const results = preflightChecks(config, {
      ...ready,
      trails: [
        { name: 'writes', organization: true, multiRegion: true, logging: true, managementEvents: 'WriteOnly' },
        { name: 'stopped', organization: true, multiRegion: true, logging: false, managementEvents: 'All' },
        { name: 'local', organization: false, multiRegion: false, logging: true, managementEvents: 'All' },
      ],
      regions: [...(ready.regions as { name: string; optInStatus: string }[]).filter((r) => r.name !== 'ap-east-1'), { name: 'ap-east-1', optInStatus: 'opted-in' }],
    }, 3);
    const failed = Object.fromEntries(results.filter((r) => !r.ok).map((r) => [r.check, r]));
    expect(Object.keys(failed)).toEqual(['organization-trail', 'regions']);
    expect(failed['organization-trail']!.detail).toContain('writes (organization, all regions, logging, management WriteOnly)');
    expect(failed.regions!.detail).toContain('enabled but neither watched nor acknowledged: ap-east-1');
    // Acknowledged by name, the region passes.
    const acknowledged = parseDeploymentConfig({ ...CONTEXT, unwatchedRegions: { 'ap-east-1': 'denied by SCP' } });
    expect(preflightChecks(acknowledged, { ...ready, regions: [{ name: 'ap-east-1', optInStatus: 'opted-in' }, ...DEFAULT_ENABLED_REGIONS.map((name) => ({ name, optInStatus: 'opt-in-not-required' }))] }, 3).find((r) => r.check === 'regions')!.ok).toBe(true);
  });

  it('names the API error of a read that failed rather than passing it', () => {
    const results = preflightChecks(config, { ...ready, trustedServices: { error: 'AccessDeniedException: not authorized' } }, 3);
    expect(results.find((r) => r.check === 'stacksets-trusted-access')).toMatchObject({ ok: false, detail: 'ListAWSServiceAccessForOrganization failed: AccessDeniedException: not authorized' });
  });
});
