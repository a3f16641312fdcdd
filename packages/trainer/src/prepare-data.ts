import { createRng, InvalidArgumentError } from '@nashpobench2/search-space';
import { shuffledIndices } from './augment.js';
import { type Cifar10, downsampleImages, type ImageSet, selectImages } from './cifar10.js';
import { type TrainerProtocol, withStratifiedSplit } from './protocol.js';

/** The three image sets of a protocol, at its image size, and the protocol as applied. */
export interface PreparedData {
  readonly train: ImageSet;
  readonly valid: ImageSet;
  readonly test: ImageSet;
  /** The protocol with `split` and `dataSource` describing what was actually done. */
  readonly protocol: TrainerProtocol;
}

/** The authors' train/valid indices into the official order of the 50,000 training images. */
export interface OfficialSplit {
  readonly train: readonly number[];
  readonly valid: readonly number[];
}

// First ten labels of data_batch_1 in the official release (frog, truck, truck, deer, ...).
const OFFICIAL_FIRST_LABELS = [6, 9, 9, 4, 1, 1, 2, 7, 8, 3];

/** Whether the training images are in the official release's order (checked on the first labels). */
export function isOfficialOrder(train: ImageSet): boolean {
  return OFFICIAL_FIRST_LABELS.every((label, i) => train.labels[i] === label);
}

/**
 * Splits `labels` into class-balanced parts: per class, the indices are shuffled with `seed` and
 * dealt out in order, `sizes[k] / classes` to part k. Sizes must be multiples of the class
 * count and fit in the smallest class. Each part is returned sorted ascending.
 */
export function stratifiedSplit(
  labels: Uint8Array,
  sizes: readonly number[],
  seed: number,
  classCount = 10,
): Int32Array[] {
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  labels.forEach((label, index) => {
    byClass[label].push(index);
  });
  const smallest = Math.min(...byClass.map((members) => members.length));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (sizes.some((s) => s % classCount !== 0) || total / classCount > smallest) {
    throw new InvalidArgumentError(
      'trainer',
      'sizes',
      sizes.join('/'),
      `multiples of ${classCount} summing to at most ${smallest * classCount}`,
    );
  }

  const rng = createRng(seed);
  const parts = sizes.map(() => [] as number[]);
  for (const members of byClass) {
    const order = shuffledIndices(members.length, rng);
    let next = 0;
    sizes.forEach((size, part) => {
      for (let k = 0; k < size / classCount; k++) parts[part].push(members[order[next++]]);
    });
  }
  return parts.map((part) => Int32Array.from(part.sort((a, b) => a - b)));
}

/**
 * Builds the protocol's train/valid/test sets from decoded CIFAR-10. The official split is used
 * only for a protocol that asks for it on data in the official order (`officialSplit` given);
 * otherwise a seeded stratified split (recorded in the returned protocol). Subsets smaller than
 * the full sets are class-balanced; images are then shrunk by the protocol's downsample factor.
 */
export function prepareData(
  cifar: Cifar10,
  protocol: TrainerProtocol,
  options: { officialSplit?: OfficialSplit; dataSource?: string } = {},
): PreparedData {
  const official = isOfficialOrder(cifar.train);
  const dataSource =
    options.dataSource ??
    (official
      ? 'cifar-10-binary (official order)'
      : 'cifar-10-binary (not in the official order, e.g. the JPEG-derived copy)');

  let applied: TrainerProtocol;
  let trainIndices: ArrayLike<number>;
  let validIndices: ArrayLike<number>;
  if (protocol.splitKind === 'official' && official && options.officialSplit) {
    applied = { ...protocol, dataSource };
    trainIndices = options.officialSplit.train.slice(0, protocol.trainImages);
    validIndices = options.officialSplit.valid.slice(0, protocol.validImages);
  } else {
    applied = withStratifiedSplit(protocol, dataSource);
    [trainIndices, validIndices] = stratifiedSplit(
      cifar.train.labels,
      [protocol.trainImages, protocol.validImages],
      protocol.splitSeed,
    );
  }
  const testIndices =
    protocol.testImages >= cifar.test.count
      ? Int32Array.from({ length: cifar.test.count }, (_, i) => i)
      : stratifiedSplit(cifar.test.labels, [protocol.testImages], protocol.splitSeed + 1)[0];

  const factor = protocol.downsampleFactor;
  return {
    train: downsampleImages(selectImages(cifar.train, trainIndices), factor),
    valid: downsampleImages(selectImages(cifar.train, validIndices), factor),
    test: downsampleImages(selectImages(cifar.test, testIndices), factor),
    protocol: applied,
  };
}

/** Parses the authors' `split.yaml` (`train: [..]` and `valid: [..]` flow lists). */
export function parseOfficialSplit(text: string): OfficialSplit {
  const list = (key: string): number[] => {
    const match = new RegExp(`^${key}:\\s*\\[([^\\]]*)\\]`, 'm').exec(text);
    if (!match) {
      throw new InvalidArgumentError(
        'trainer',
        'split',
        key,
        'a split.yaml with train and valid lists',
      );
    }
    return match[1].split(',').map((item) => Number(item.trim()));
  };
  return { train: list('train'), valid: list('valid') };
}
