import { InvalidArgumentError } from '@nashpobench2/search-space';
import { createFeatureSchema, type FeatureSchema } from './features.js';
import type { KnnState } from './knn.js';
import type { ColumnScaler } from './linear-algebra.js';
import type { RidgeState } from './ridge.js';
import type { SeedNoiseModel } from './seed-noise.js';
import {
  COMMITTEE_MEMBERS,
  type MemberState,
  MODEL_KINDS,
  type ModelKind,
  Surrogate,
  type SurrogateParts,
  type TargetProjection,
} from './surrogate.js';
import { checkOffset, type TargetSpec } from './target-spec.js';

/** Format tag of surrogate model files. */
export const SURROGATE_FILE_FORMAT = 'nhb-surrogate';

/**
 * Current version of the model file layout. 2 added target offsets (`TargetSpec.offset`) and the
 * committee regressor; version
 * 1 files (no offsets) still load.
 */
export const SURROGATE_FILE_VERSION = 2;

/** Versions this reader loads. */
const READABLE_VERSIONS: readonly number[] = [1, 2];

/** Ensemble weights as stored: float32 little-endian bytes in base64, one string per layer. */
export interface StoredEnsemble {
  /** Layer sizes from input to output. */
  readonly sizes: number[];
  /** Members. */
  readonly members: number;
  /** Per layer, base64 of the members' weights. */
  readonly weights: string[];
  /** Per layer, base64 of the members' biases. */
  readonly biases: string[];
}

/** One family's regressor as stored. */
export type StoredMember =
  | { readonly kind: 'ensemble'; readonly state: StoredEnsemble }
  | { readonly kind: 'ridge'; readonly state: RidgeState }
  | { readonly kind: 'knn'; readonly state: KnnState };

function storeMember(member: MemberState): StoredMember {
  if (member.kind !== 'ensemble') return member;
  const { state } = member;
  return {
    kind: 'ensemble',
    state: {
      sizes: state.sizes,
      members: state.members,
      weights: state.weights.map(encodeFloat32),
      biases: state.biases.map(encodeFloat32),
    },
  };
}

function loadMember(stored: StoredMember): MemberState {
  if (stored.kind !== 'ensemble') return stored;
  const { state } = stored;
  return {
    kind: 'ensemble',
    state: {
      sizes: state.sizes,
      members: state.members,
      weights: state.weights.map(decodeFloat32),
      biases: state.biases.map(decodeFloat32),
    },
  };
}

/** The JSON model file: weights, feature schema, target specs, scalers, calibration and metrics. */
export interface SurrogateFile {
  /** Always `SURROGATE_FILE_FORMAT`. */
  readonly format: typeof SURROGATE_FILE_FORMAT;
  /** Layout version, `SURROGATE_FILE_VERSION`. */
  readonly formatVersion: number;
  /** Model family. */
  readonly kind: ModelKind;
  /** Inputs the model expects. */
  readonly featureSchema?: FeatureSchema;
  /** One spec per output. */
  readonly targetSpecs: readonly TargetSpec[];
  /** Feature standardisation. */
  readonly inputScaler: ColumnScaler;
  /** Target standardisation in model space. */
  readonly outputScaler: ColumnScaler;
  /** Target compression, when used. */
  readonly projection?: TargetProjection;
  /** Regressor state; ensembles in base64, the baselines as plain numbers, a committee as its members. */
  readonly regressor:
    | StoredMember
    | { readonly kind: 'committee'; readonly members: readonly StoredMember[] };
  /** Std multiplier per output. */
  readonly stdScale: readonly number[];
  /** Held-out metrics. */
  readonly metrics?: unknown;
  /** Seed-noise model. */
  readonly seedNoise?: SeedNoiseModel;
  /** Training set size. */
  readonly training: { readonly rows: number; readonly groups: number };
}

/** Encodes float32 values as little-endian bytes in base64 (works in Node and browsers). */
export function encodeFloat32(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** Decodes `encodeFloat32` output. */
export function decodeFloat32(text: string): Float32Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const values = new Float32Array(bytes.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return values;
}

/** The model file of a surrogate, ready for `JSON.stringify`. */
export function surrogateToJSON(surrogate: Surrogate): SurrogateFile {
  const parts = surrogate.parts;
  const regressor: SurrogateFile['regressor'] =
    parts.regressor.kind === 'committee'
      ? { kind: 'committee', members: parts.regressor.members.map(storeMember) }
      : storeMember(parts.regressor);
  return {
    format: SURROGATE_FILE_FORMAT,
    formatVersion: SURROGATE_FILE_VERSION,
    kind: parts.kind,
    featureSchema: parts.featureSchema,
    targetSpecs: parts.targetSpecs,
    inputScaler: parts.inputScaler,
    outputScaler: parts.outputScaler,
    projection: parts.projection,
    regressor,
    stdScale: parts.stdScale,
    metrics: parts.metrics,
    seedNoise: parts.seedNoise,
    training: parts.training,
  };
}

/** The model kind and its regressor agree; a committee holds exactly its three families. */
function checkStoredRegressor(kind: unknown, stored: SurrogateFile['regressor'] | undefined): void {
  const families = COMMITTEE_MEMBERS.join(', ');
  if (!(MODEL_KINDS as readonly unknown[]).includes(kind) || stored?.kind !== kind) {
    const shown = `kind ${String(kind)} with a ${String(stored?.kind)} regressor`;
    throw new InvalidArgumentError(
      'surrogate',
      'model file',
      shown,
      `one of ${MODEL_KINDS.join(', ')}, the same in both`,
    );
  }
  if (stored === undefined || stored.kind !== 'committee') return;
  const list: unknown = stored.members;
  const members = Array.isArray(list)
    ? list.map((m: { kind?: unknown } | null) => String(m?.kind)).join(', ')
    : 'none';
  if (members !== families) {
    throw new InvalidArgumentError('surrogate', 'committee members', members, families);
  }
}

/** A stored feature schema's names are those its settings produce, one per input column. */
function checkStoredSchema(file: SurrogateFile): void {
  const schema = file.featureSchema;
  if (!schema) return;
  const expected = createFeatureSchema({
    shape: schema.shape,
    curveEpochs: schema.curveEpochs,
    encodings: schema.encodings,
  }).names;
  const names = schema.names ?? [];
  const same =
    names.length === expected.length &&
    names.every((name, i) => name === expected[i]) &&
    names.length === file.inputScaler.mean.length;
  if (!same) {
    const shown = `${names.length} names for ${file.inputScaler.mean.length} input columns`;
    const allowed = `the ${expected.length} columns of curveEpochs ${schema.curveEpochs}${schema.encodings === false ? ' without encodings' : ''}`;
    throw new InvalidArgumentError('surrogate', 'feature schema', shown, allowed);
  }
}

/** Rebuilds a surrogate from its model file (an object or its JSON text). */
export function surrogateFromJSON(input: SurrogateFile | string): Surrogate {
  const file = (typeof input === 'string' ? JSON.parse(input) : input) as SurrogateFile;
  const allowedFile = `${SURROGATE_FILE_FORMAT} v${READABLE_VERSIONS.join(' or v')}`;
  if (typeof file !== 'object' || file === null || Array.isArray(file)) {
    throw new InvalidArgumentError('surrogate', 'model file', JSON.stringify(file), allowedFile);
  }
  if (file.format !== SURROGATE_FILE_FORMAT || !READABLE_VERSIONS.includes(file.formatVersion)) {
    const shown = `${file.format} v${JSON.stringify(file.formatVersion)}`;
    throw new InvalidArgumentError('surrogate', 'model file', shown, allowedFile);
  }
  for (const spec of file.targetSpecs) {
    if (spec.offset && file.formatVersion < 2) {
      const allowed = 'offsets in version 2 files only';
      throw new InvalidArgumentError('surrogate', `${spec.name} offset`, spec.offset.name, allowed);
    }
    checkOffset(spec, file.inputScaler.mean.length);
  }
  checkStoredSchema(file);
  const stored = file.regressor;
  checkStoredRegressor(file.kind, stored);
  const regressor: SurrogateParts['regressor'] =
    stored.kind === 'committee'
      ? { kind: 'committee', members: stored.members.map(loadMember) }
      : loadMember(stored);
  return new Surrogate({
    kind: file.kind,
    featureSchema: file.featureSchema,
    targetSpecs: file.targetSpecs,
    inputScaler: file.inputScaler,
    outputScaler: file.outputScaler,
    projection: file.projection,
    regressor,
    stdScale: file.stdScale,
    metrics: file.metrics,
    seedNoise: file.seedNoise,
    training: file.training,
  });
}
