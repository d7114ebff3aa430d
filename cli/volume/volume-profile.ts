import * as z from 'zod';

/**
 * An organization's CloudTrail management-event traffic, for the volume model: how many accounts and
 * regions, and how many calls of each event an account makes per second (all its regions together), with
 * the share of calls carrying given request parameters where a rule's pattern filters on them.
 */
export const volumeProfileSchema = z
  .object({
    name: z.string().min(1),
    /** Where the figures come from, printed with the result. */
    source: z.string().min(1),
    accounts: z.number().int().min(1),
    regions: z.number().int().min(1),
    events: z
      .array(
        z
          .object({
            /** `eventSource:EventName`, e.g. `sts.amazonaws.com:AssumeRole`. */
            event: z.string().regex(/^[a-z0-9.-]+\.amazonaws\.com:[A-Za-z0-9]+$/, 'must be eventSource:EventName, e.g. sts.amazonaws.com:AssumeRole'),
            perAccountPerSecond: z.number().min(0),
            /** Calls with these request parameters, as a share of the event's calls (the rest carry none of them). */
            variants: z.array(z.object({ share: z.number().min(0).max(1), requestParameters: z.record(z.string(), z.unknown()) }).strict()).default([]),
            /** Calls made by AWS services on the account's behalf (userIdentity.type AWSService), as a share. */
            byAwsServices: z.number().min(0).max(1).default(0),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type VolumeProfile = z.infer<typeof volumeProfileSchema>;
