/**
 * The checkpoint manifest (`model.json`) schema and the behaviour hash.
 *
 * Every field `loadCheckpoint` reads is validated here first, so a missing or odd `shape`, or
 * `weights: {}`, is an error naming the field rather than "Cannot read properties of undefined".
 *
 * Behaviour hash (formatVersion 2): SHA-256 over the canonical JSON (keys sorted, no spaces) of
 * what defines the network's behaviour — the resolved network config (topology, neuron parameters
 * such as thresholds) and the weight manifest (names, shapes, order) — followed by the bytes of
 * weights.bin. Editing a threshold in model.json or swapping two weight names changes it; the
 * weights-only SHA-256 of formatVersion 1 did not see either (a return of 500 silently became 16).
 * formatVersion 1 checkpoints (the committed ones predate v2) still load, with a warning.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { issueTexts } from '../util/jsonFile.ts';

export const CHECKPOINT_FORMAT = 'spikeloop-checkpoint';
/** Written by this build. */
export const CHECKPOINT_VERSION = 2;
/** Read by this build (1: weights-only hash, loaded with a warning). */
export const CHECKPOINT_VERSIONS_READ = [1, 2] as const;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (a SHA-256)');
const count = z.number().int().nonnegative();

export const manifestEntrySchema = z
  .object({
    name: z.string().min(1),
    shape: z.array(count.max(2 ** 31)),
    dtype: z.literal('float32'),
  })
  .strict();

export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

export const checkpointManifestSchema = z
  .object({
    format: z.literal(CHECKPOINT_FORMAT),
    formatVersion: z.union([z.literal(1), z.literal(2)]),
    /** Validated in full by parseNetworkConfig. */
    network: z.record(z.string(), z.unknown()),
    weightsManifest: z
      .array(z.object({ paths: z.tuple([z.literal('weights.bin')]), weights: z.array(manifestEntrySchema) }).strict())
      .length(1, "must be one group with paths ['weights.bin']"),
    weightsBytes: count,
    weightsSha256: sha256Hex,
    behaviourSha256: sha256Hex.optional(),
    optimizer: z
      .object({ spec: z.record(z.string(), z.unknown()), step: count })
      .strict()
      .optional(),
    trainer: z.record(z.string(), z.unknown()).optional(),
    metrics: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.formatVersion >= 2 && m.behaviourSha256 === undefined)
      ctx.addIssue({ code: 'custom', path: ['behaviourSha256'], message: 'is required from formatVersion 2 on' });
    const seen = new Set<string>();
    m.weightsManifest[0]?.weights.forEach((w, i) => {
      if (seen.has(w.name))
        ctx.addIssue({ code: 'custom', path: ['weightsManifest', 0, 'weights', i, 'name'], message: `duplicate weight name '${w.name}'` });
      seen.add(w.name);
    });
  });

export type CheckpointManifest = z.infer<typeof checkpointManifestSchema>;

/** Validates a parsed model.json; the error lists every bad field by its path. */
export function parseCheckpointManifest(raw: unknown): CheckpointManifest {
  if (typeof raw === 'object' && raw !== null) {
    const v = (raw as { formatVersion?: unknown }).formatVersion;
    if (typeof v === 'number' && !(CHECKPOINT_VERSIONS_READ as readonly number[]).includes(v)) {
      throw new Error(`model.json formatVersion ${v} is not supported (this build reads ${CHECKPOINT_VERSIONS_READ.join(', ')})`);
    }
  }
  const r = checkpointManifestSchema.safeParse(raw);
  if (r.success) return r.data;
  throw new Error(`model.json is not a valid checkpoint manifest: ${issueTexts(r.error.issues).join('; ')}`);
}

/** JSON with object keys sorted at every level: one text per value, whatever the key order on disk. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the behaviour-defining part of a checkpoint (see the file header). */
export function behaviourSha256(network: unknown, manifest: readonly ManifestEntry[], weightsBin: Uint8Array): string {
  return createHash('sha256')
    .update(canonicalJson({ network, weights: manifest }))
    .update(new Uint8Array([0]))
    .update(weightsBin)
    .digest('hex');
}
