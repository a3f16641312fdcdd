import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend.js';

describe('selectBackend', () => {
  it("'auto' takes the first backend that can train and says why the others were skipped", async () => {
    const selection = await selectBackend('auto');
    // On this project's CI machines tfjs-node(-gpu) has no native library (optional dependency).
    expect(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).toContain(selection.choice);
    const order = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
    const skipped = selection.skipped.map((line) => line.split(':')[0]);
    expect(skipped).toEqual(order.slice(0, order.indexOf(selection.choice)));
    for (const line of selection.skipped) expect(line).toMatch(/^[a-z-]+: .+/);
  });

  it('selects cpu by name and rejects an unknown name', async () => {
    const selection = await selectBackend('cpu');
    expect(selection).toMatchObject({ choice: 'cpu', backend: 'cpu', skipped: [] });
    await expect(selectBackend('tpu' as never)).rejects.toThrow(
      /backend 'tpu' is not valid; allowed: auto, tensorflow-gpu, tensorflow, wasm, cpu/,
    );
  });
});
