import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { it, inject } from 'vitest';
import { quotaSubjectsOf } from '../../infra/quotas/assembly-quotas.ts';
import { measureQuotas } from '../../infra/quotas/check-quotas.ts';
import { QUOTAS } from '../../infra/quotas/quota-table.ts';
it('prints', () => {
  const m = measureQuotas(quotaSubjectsOf(new CloudAssembly(process.env.OUT ?? inject('twinCdkOut'))));
  const worst = new Map<string, any>();
  for (const x of m) { const w = worst.get(x.quota); if (!w || x.figure / (QUOTAS as any)[x.quota].limit > w.figure / (QUOTAS as any)[w.quota].limit) worst.set(x.quota, x); }
  for (const [q, x] of worst) console.log(q.padEnd(28), String(x.figure).padStart(8), '/', String((QUOTAS as any)[q].limit).padStart(7), (100 * x.figure / (QUOTAS as any)[q].limit).toFixed(0) + '%', x.subject, x.resource);
});
