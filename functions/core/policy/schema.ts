import * as z from 'zod';

import { RESPONSE_NAMES, SIGNAL_DROP_RULE_ID, TAMPER_RULE_ID } from './constants.ts';

export { RESPONSE_NAMES, SIGNAL_DROP_RULE_ID, TAMPER_RULE_ID, type ResponseName } from './constants.ts';

const durationSchema = z
  .string()
  .regex(/^[1-9]\d*(s|m|h|d)$/, 'must be a duration such as 30s, 10m, 12h or 1d')
  .describe('A duration: a whole number followed by s, m, h or d.');

const actionPatternSchema = z
  .string()
  .regex(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/, 'must be an IAM action pattern such as "iam:Put*Policy"')
  .describe('An IAM action in service:Action form; * and ? are wildcards within the action name.');

const arnPatternSchema = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^(\*|arn:[\x21-\x7e]+)$/, 'must be "*" or an ARN pattern starting with "arn:"')
  .describe('An ARN, or an ARN pattern with * and ? wildcards.');

const tagMapSchema = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .describe('Tag keys and the values that mark an agent.');

const parameterConditionSchema = z
  .object({
    path: z
      .string()
      .regex(
        /^(requestParameters|responseElements|additionalEventData)(\.[A-Za-z0-9_$@-]{1,128}){1,8}$/,
        'must be a dotted path under requestParameters, responseElements or additionalEventData',
      )
      .describe('Where in the record to look, e.g. requestParameters.createVolumePermission.add.items.userId; arrays are searched element by element.'),
    matches: z
      .array(z.string().min(1).max(256))
      .min(1)
      .max(20)
      .optional()
      .describe('Values that make the call match (case-insensitive, * and ? wildcards); omitted: any value present.'),
    except: z
      .array(z.string().min(1).max(256))
      .max(20)
      .default([])
      .describe('Values that never match, e.g. "${account}" (the account the call was made in) to single out foreign accounts.'),
  })
  .strict();

export const ruleSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes (at most 63)')
      .refine((id) => id !== TAMPER_RULE_ID, `"${TAMPER_RULE_ID}" is the built-in tamper rule's id`)
      .refine((id) => id !== SIGNAL_DROP_RULE_ID, `"${SIGNAL_DROP_RULE_ID}" is the built-in signal-drop rule's id`),
    description: z.string().min(1).max(512),
    match: z
      .object({
        actions: z.array(actionPatternSchema).min(1),
        resources: z.array(arnPatternSchema).min(1).default(['*']),
        accounts: z.array(z.string().regex(/^\d{12}$/, 'must be a 12-digit account id')).default([]),
        parameters: z
          .array(parameterConditionSchema)
          .min(1)
          .max(20)
          .optional()
          .describe('The call matches only when at least one of these holds (harmful only with these parameters).'),
      })
      .strict(),
    response: z.enum(RESPONSE_NAMES),
    scope: z
      .enum(['agent', 'role'])
      .default('agent')
      .describe(
        "agent (default): the response binds only what IAM can attribute to the agent (its signals, its exact sessions). role: the whole role (or IAM user), so every person working on it is contained too; `check` states the cost.",
      ),
    prevent: z
      .boolean()
      .default(false)
      .describe('Also deny the rule\'s actions up front to agent sessions IAM can recognise (MCP, session tag, source identity), by SCP: `agent-guardrail compile scp`.'),
    escalate: z
      .object({
        after: z.number().int().min(1).max(1000),
        within: durationSchema,
        to: z.enum(RESPONSE_NAMES),
      })
      .strict()
      .optional(),
  })
  .strict();

export const policySchema = z
  .object({
    mode: z.enum(['enforce', 'monitor']).describe('monitor: findings and notifications only, no IAM writes'),
    agents: z
      .object({
        mcpServices: z.array(z.string().regex(/^[a-z0-9.-]+\.amazonaws\.com$/)).default(['aws-mcp.amazonaws.com']),
        sessionTags: tagMapSchema.default({}),
        sourceIdentityPrefixes: z.array(z.string().min(1).max(64)).default([]),
        roleTags: tagMapSchema.default({}),
        principalArnPatterns: z.array(arnPatternSchema).default([]),
        userAgentPatterns: z.array(z.string().min(1).max(256)).default([]),
      })
      .strict(),
    protected: z
      .object({ principalArnPatterns: z.array(arnPatternSchema).default([]) })
      .strict()
      .default({ principalArnPatterns: [] }),
    tamper: z
      .object({ response: z.enum(RESPONSE_NAMES).default('deny-action') })
      .strict()
      .default({ response: 'deny-action' })
      .describe('Response to changes of the guardrail\'s own policies, tags or quarantined roles.'),
    rules: z.array(ruleSchema).min(1),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const seen = new Map<string, number>();
    policy.rules.forEach((rule, index) => {
      // An SCP sees the action and resource, never a call's parameters nor a console sign-in event.
      if (rule.prevent && rule.match.parameters) {
        ctx.addIssue({ code: 'custom', path: ['rules', index, 'prevent'], message: 'a rule that matches on parameters cannot be prevented: IAM does not see them' });
      }
      const eventOnly = rule.match.actions.find((action) => action.startsWith('signin:'));
      if (rule.prevent && eventOnly) {
        ctx.addIssue({ code: 'custom', path: ['rules', index, 'prevent'], message: `${eventOnly} is a sign-in event, not an IAM action: it cannot be prevented` });
      }
      const first = seen.get(rule.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['rules', index, 'id'], message: `duplicate rule id (also rules[${first}])` });
      }
      seen.set(rule.id, index);
    });
  });

export type Policy = z.infer<typeof policySchema>;
export type PolicyRule = z.infer<typeof ruleSchema>;
export type AgentSignalsConfig = Policy['agents'];

/** The IAM service prefixes a policy's rules name ("iam", "s3", ...), each once. */
export function servicesOf(policy: Policy): string[] {
  return [...new Set(policy.rules.flatMap((rule) => rule.match.actions.map((action) => action.slice(0, action.indexOf(':')))))];
}
