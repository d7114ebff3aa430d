import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENABLED_REGIONS, parseDeploymentConfig } from '../../../infra/config.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CONTEXT = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context.agentGuardrail as Record<string, unknown>;

describe('deployment configuration (regions and accounts)', () => {
  it('rejects a home region outside the member regions, where no responder role would exist', () => {
    expect(() => parseDeploymentConfig({ ...CONTEXT, region: 'eu-central-1', memberRegions: ['us-east-1', 'eu-west-1'] })).toThrow(/agentGuardrail\.region: must be one of memberRegions/);
  });

  it('defaults the member regions to every region enabled by default, us-east-1 included', () => {
    const { memberRegions: _omitted, ...rest } = CONTEXT;
    const config = parseDeploymentConfig(rest);
    expect(config.memberRegions).toEqual([...DEFAULT_ENABLED_REGIONS]);
    expect(config.memberRegions).toContain('us-east-1');
    expect(config.memberRegions).toHaveLength(17);
  });

  it('fails when a default-enabled region is left out, unless acknowledged by name with a reason', () => {
    expect(() => parseDeploymentConfig({ ...CONTEXT, memberRegions: ['us-east-1', 'eu-west-1'] })).toThrow(
      /agentGuardrail\.memberRegions: leaves out us-east-2, us-west-1, .*ap-southeast-2, enabled in every account: STS global-endpoint sessions/,
    );
    const left = DEFAULT_ENABLED_REGIONS.filter((r) => r !== 'us-east-1' && r !== 'eu-west-1');
    const acknowledged = parseDeploymentConfig({ ...CONTEXT, memberRegions: ['us-east-1', 'eu-west-1'], unwatchedRegions: Object.fromEntries(left.map((r) => [r, 'denied by SCP'])) });
    expect(acknowledged.memberRegions).toEqual(['us-east-1', 'eu-west-1']);
    // An acknowledgement of a region that is watched is a mistake, named.
    expect(() => parseDeploymentConfig({ ...CONTEXT, unwatchedRegions: { 'eu-west-1': 'x' } })).toThrow(/agentGuardrail\.unwatchedRegions: eu-west-1 is also in memberRegions/);
  });

  it('supports GovCloud with its own global-events region and default regions, and refuses China with the reason', () => {
    const { memberRegions: _omitted, ...rest } = CONTEXT;
    const gov = parseDeploymentConfig({ ...rest, region: 'us-gov-west-1' });
    expect(gov.memberRegions).toEqual(['us-gov-west-1', 'us-gov-east-1']);
    expect(() => parseDeploymentConfig({ ...rest, region: 'us-gov-east-1', memberRegions: ['us-gov-east-1'] })).toThrow(/must include us-gov-west-1, where global services/);
    expect(() => parseDeploymentConfig({ ...rest, region: 'cn-north-1', memberRegions: ['cn-north-1'] })).toThrow(/agentGuardrail\.region: the China partition is not supported: .*cross-Region routing/);
    expect(() => parseDeploymentConfig({ ...CONTEXT, memberRegions: [...DEFAULT_ENABLED_REGIONS, 'us-gov-west-1'] })).toThrow(/us-gov-west-1 is not in the home region's partition \(aws\)/);
  });

  it('no longer takes a list of accounts: the organization is admitted by its id', () => {
    expect(() => parseDeploymentConfig({ ...CONTEXT, organizationAccounts: ['111122223333'] })).toThrow(/organizationAccounts/);
  });
});
