import { InputError } from '../../functions/core/errors.ts';
import type { InputSource } from './input-source.ts';
import type { TimeWindow } from './resolve-sources.ts';

export async function listS3Sources(url: string, _window: TimeWindow, _now: number): Promise<InputSource[]> {
  throw new InputError(url, 'S3 inputs are not supported yet');
}
