import { PRICES } from './prices.ts';
import type { VolumeEstimate } from './volume-model.ts';

const n = (x: number, digits = 1) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const usd = (x: number) => `$${x.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;

/** The estimate as a table and a summary, with its inputs and the prices used. */
export function formatVolume(estimate: VolumeEstimate, before?: VolumeEstimate): string {
  const { profile } = estimate;
  const lines = [
    `profile: ${profile.name}: ${profile.accounts} accounts, ${profile.regions} regions (${profile.source})`,
    '',
    `${'event'.padEnd(52)} ${'calls/s'.padStart(10)} ${'forwarded/s'.padStart(12)} ${'by services'.padStart(12)}`,
    ...estimate.events.map((e) => `${e.event.padEnd(52)} ${n(e.callsPerSecond).padStart(10)} ${n(e.forwardedPerSecond).padStart(12)} ${n(e.byAwsServicesPerSecond).padStart(12)}`),
    '',
    `forwarded: ${n(estimate.forwardedPerSecond)} events/s of ${n(estimate.callsPerSecond)} calls/s (${n((100 * estimate.forwardedPerSecond) / estimate.callsPerSecond)}%)` +
      (before ? `; without the patterns' parameter filters ${n(before.forwardedPerSecond)}/s` : ''),
    `guard: ${n(estimate.guardInvocationsPerSecond)} invocations/s, ${n(estimate.concurrencyNeeded)} concurrent on average of ${estimate.reservedConcurrency} reserved` +
      (estimate.concurrencyNeeded > estimate.reservedConcurrency * 0.7 ? ' (raise guardReservedConcurrency: bursts will throttle)' : ''),
    `DynamoDB: ${n(estimate.dynamo.readsPerSecond)} reads/s (${n(estimate.dynamo.readUnitsPerSecond)} RRU), ${n(estimate.dynamo.writesPerSecond)} writes/s (${n(estimate.dynamo.writeUnitsPerSecond)} WRU)`,
    `monthly at us-east-1 list prices: ${usd(estimate.monthlyUsd.total)} = EventBridge cross-account ${usd(estimate.monthlyUsd.eventBridge)} + Lambda requests ${usd(estimate.monthlyUsd.lambdaRequests)} + ` +
      `Lambda duration ${usd(estimate.monthlyUsd.lambdaDuration)} + DynamoDB ${usd(estimate.monthlyUsd.dynamoDb)} + logs ${usd(estimate.monthlyUsd.logs)}` +
      (before ? ` (without the filters ${usd(before.monthlyUsd.total)})` : ''),
    `prices: ${Object.entries(PRICES).map(([k, p]) => `${k} $${p.usd} (${p.source})`).join('; ')}`,
  ];
  return lines.join('\n');
}
