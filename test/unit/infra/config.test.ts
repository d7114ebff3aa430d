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

  it('no longer takes a list of accounts: the organization is admitted by its id', () => {
    expect(() => parseDeploymentConfig({ ...CONTEXT, organizationAccounts: ['111122223333'] })).toThrow(/organizationAccounts/);
  });
});
