import type { BenchmarkAnalysis } from '@nashpobench2/dataset';

/** Significant decimals kept in the JSON numbers, 6 (accuracies are percent, τ in −1..1). */
const JSON_DECIMALS = 6;

/** The whole analysis as pretty JSON: typed arrays as lists, NaN and infinities as null. */
export function reportJson(analysis: BenchmarkAnalysis): string {
  return `${JSON.stringify(
    analysis,
    (_key, value: unknown) => {
      if (typeof value === 'number') {
        return Number.isFinite(value) ? Number(value.toFixed(JSON_DECIMALS)) : null;
      }
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        return Array.from(value as unknown as ArrayLike<number>);
      }
      return value;
    },
    1,
  )}\n`;
}
