import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { compileEventPatterns } from '../../functions/core/policy/compile-event-patterns.ts';
import type { CompiledPolicy } from '../../functions/core/policy/compile-policy.ts';
import { UsageError } from '../../functions/core/errors.ts';
import { readSource } from '../inputs/read-source.ts';
import { resolveSources } from '../inputs/resolve-sources.ts';
import { warn } from '../warn.ts';
import { DEFAULT_VOLUME_PROFILE } from './default-profile.ts';
import { formatVolume } from './format-volume.ts';
import { ProfileFromTrail } from './profile-from-trail.ts';
import { estimateVolume, withoutParameterFilters } from './volume-model.ts';
import { volumeProfileSchema, type VolumeProfile } from './volume-profile.ts';

/** `check --volume`: the policy's patterns applied to an organization profile (shipped, a file, or counted from trail files). */
export async function volumeReport(policy: CompiledPolicy, options: { readonly profile?: string; readonly profileFrom?: readonly string[]; readonly format: 'text' | 'json' }): Promise<string> {
  const patterns = compileEventPatterns(policy);
  const profile = options.profileFrom ? await profileFromTrail(options.profileFrom, patterns) : options.profile ? await readProfile(options.profile) : DEFAULT_VOLUME_PROFILE;
  const estimate = estimateVolume(profile, patterns);
  const before = estimateVolume(profile, withoutParameterFilters(patterns));
  return options.format === 'json' ? JSON.stringify({ ...estimate, withoutParameterFilters: { forwardedPerSecond: before.forwardedPerSecond, monthlyUsd: before.monthlyUsd } }, null, 2) : formatVolume(estimate, before);
}

async function readProfile(file: string): Promise<VolumeProfile> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--profile ${file}: ${(error as Error).message}`);
  }
  const parsed = volumeProfileSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`--profile ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

async function profileFromTrail(paths: readonly string[], patterns: Parameters<typeof estimateVolume>[1]): Promise<VolumeProfile> {
  const { sources, empty } = await resolveSources(paths, { since: null, until: null });
  for (const place of empty) warn(`${place}: nothing to read here (no .json, .jsonl, .ndjson or .gz CloudTrail files)`);
  const counter = new ProfileFromTrail(patterns);
  for (const source of sources) for await (const items of readSource(source)) for (const item of items) if (item.kind === 'record') counter.add(item.record);
  const profile = counter.profile(paths.join(', '));
  if (!profile) throw new UsageError(`--profile-from ${paths.join(' ')}: no CloudTrail records spanning any time to count`);
  return profile;
}
