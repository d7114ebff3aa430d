import { safeForLog } from '../safe-text.ts';
import type { LogPort, NotifierPort } from './ports.ts';

/**
 * The notify stage: announces an outcome. A lost notification never undoes a containment: it is logged
 * loudly (the ledger has the finding) and the pipeline goes on.
 */
export async function notifyOutcome(notifier: NotifierPort, logger: LogPort, subject: string, message: Record<string, unknown>): Promise<void> {
  try {
    await notifier.notify(subject, message);
  } catch (error) {
    logger.error('notification failed', safeForLog({ subject, error: (error as Error).message }));
  }
}
