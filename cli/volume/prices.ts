/**
 * AWS list prices in us-east-1 the volume model uses, each with its page (read December 2026). Prices vary by
 * region and change: the model prints them beside the figure.
 */
export const PRICES = {
  /** Events delivered to an event bus in another account: charged as custom events. */
  crossAccountEventsPerMillion: { usd: 1.0, source: 'https://aws.amazon.com/eventbridge/pricing/' },
  lambdaRequestsPerMillion: { usd: 0.2, source: 'https://aws.amazon.com/lambda/pricing/' },
  /** Arm (Graviton) duration, the guard's architecture. */
  lambdaArmGbSecond: { usd: 0.0000133334, source: 'https://aws.amazon.com/lambda/pricing/' },
  dynamoWriteUnitsPerMillion: { usd: 0.625, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  dynamoReadUnitsPerMillion: { usd: 0.125, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  logsIngestedPerGb: { usd: 0.5, source: 'https://aws.amazon.com/cloudwatch/pricing/' },
} as const;
