/** Props of `SeedSelect`. */
export interface SeedSelectProps {
  /** The benchmark's seeds. */
  readonly seeds: readonly number[];
  /** Chosen seed; undefined = mean over seeds. */
  readonly value: number | undefined;
  readonly onChange: (seed: number | undefined) => void;
  readonly testId: string;
}

/** Chooses one training seed or the mean over all of them. */
export function SeedSelect({ seeds, value, onChange, testId }: SeedSelectProps) {
  return (
    <select
      data-testid={testId}
      value={value === undefined ? 'mean' : String(value)}
      onChange={(event) => {
        const text = (event.currentTarget as HTMLSelectElement).value;
        onChange(text === 'mean' ? undefined : Number(text));
      }}
    >
      <option value="mean">mean over seeds</option>
      {seeds.map((seed) => (
        <option key={seed} value={String(seed)}>
          seed {seed}
        </option>
      ))}
    </select>
  );
}
