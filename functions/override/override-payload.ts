import * as z from 'zod';

/** The operator's command (DESIGN.md §5), validated at the edge. */
export const overridePayloadSchema = z
  .object({
    command: z.enum(['release', 'quarantine', 'revoke', 'exempt', 'status']),
    target: z.object({ principalArn: z.string().min(1).max(2048) }).strict(),
    reason: z.string().trim().min(3, 'reason is required (at least 3 characters)').max(1024),
    ticket: z.string().max(256).optional(),
    until: z.string().datetime({ offset: true }).optional(),
    operator: z.string().max(256).optional(),
  })
  .strict()
  .superRefine((payload, ctx) => {
    if (payload.command === 'exempt' && !payload.until) ctx.addIssue({ code: 'custom', path: ['until'], message: 'exempt needs until' });
  });

export type OverridePayload = z.infer<typeof overridePayloadSchema>;
