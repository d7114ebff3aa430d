import type { SNSClient } from '@aws-sdk/client-sns';
import { RETRY } from './clients.ts';

import type { NotifierPort } from '../core/pipeline/ports.ts';

export type Notifier = NotifierPort;

let client: SNSClient | undefined;

/**
 * Publishes findings to the SNS topic. The SNS client is loaded on first use: notification follows
 * containment and must not weigh on cold start. SNS failures are retried by the SDK; a final failure
 * is the caller's to report, after containment has happened.
 */
export function createSnsNotifier(topicArn: string): Notifier {
  return {
    async notify(subject, message) {
      const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
      client ??= new SNSClient({ ...RETRY });
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          // SNS subjects: ASCII, at most 100 characters, no line breaks.
          Subject: subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
          Message: JSON.stringify(message),
        }),
      );
    },
  };
}
