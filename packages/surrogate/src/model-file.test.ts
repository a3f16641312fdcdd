import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFeatureSchema } from './features.js';
import { decodeFloat32, encodeFloat32, surrogateFromJSON, surrogateToJSON } from './model-file.js';
import { loadSurrogateFile, saveSurrogateFile } from './model-file-node.js';
import { fitSurrogate, MODEL_KINDS } from './surrogate.js';
import { accuracyTarget, positiveTarget } from './target-spec.js';

const folder = await mkdtemp(join(tmpdir(), 'nhb-surrogate-'));
afterAll(() => rm(folder, { recursive: true, force: true }));

/** 40 rows of 3 features, 2 outputs (an accuracy and a time), 10 groups. */
function toyData() {
  const features: number[][] = [];
  const targets: number[][] = [];
  const groups: number[] = [];
  for (let i = 0; i < 40; i++) {
    const a = Math.sin(i);
    const b = Math.cos(3 * i);
    features.push([a, b, a * b]);
    targets.push([50 + 20 * a - 5 * b, Math.exp(1 + 0.3 * b)]);
    groups.push(i % 10);
  }
  return { features, targets, groups };
}

describe('model files', () => {
  it('round-trips float32 weights through base64 exactly', () => {
    const values = Float32Array.from([0, -1.5, 3.4028234663852886e38, 1e-45, Math.PI]);
    expect(decodeFloat32(encodeFloat32(values))).toEqual(values);
  });

  for (const model of MODEL_KINDS) {
    it(`save and load give identical ${model} predictions`, async () => {
      const { features, targets, groups } = toyData();
      const surrogate = fitSurrogate({
        model,
        features,
        targets,
        groups,
        targetSpecs: [accuracyTarget('accuracy'), positiveTarget('seconds')],
        ensemble: { members: 2, hidden: [8], steps: 40 },
      }).with({ stdScale: [1.3, 0.7], metrics: { note: 'toy' } });
      const path = join(folder, `${model}.json`);
      await saveSurrogateFile(path, surrogate);
      const loaded = await loadSurrogateFile(path);
      const probe = [...features.slice(0, 5), [4, -4, 9]];
      expect(loaded.predict(probe)).toEqual(surrogate.predict(probe));
      expect(loaded.parts.metrics).toEqual({ note: 'toy' });
      // Through JSON text as a browser would load it.
      const text = JSON.stringify(surrogateToJSON(surrogate));
      expect(surrogateFromJSON(text).predict(probe)).toEqual(surrogate.predict(probe));
    });
  }

  it('keeps target offsets, loads version 1 files and refuses newer versions', () => {
    const { features, targets, groups } = toyData();
    const offset = { column: 1, scale: 10, name: 'b' };
    const surrogate = fitSurrogate({
      model: 'ridge',
      features,
      targets: targets.map((row) => [row[0]]),
      groups,
      targetSpecs: [{ ...accuracyTarget('accuracy'), offset }],
    });
    const file = surrogateToJSON(surrogate);
    expect(file.formatVersion).toBe(2);
    const loaded = surrogateFromJSON(JSON.stringify(file));
    expect(loaded.targetSpecs[0].offset).toEqual(offset);
    const probe = [features[3], [0.2, -0.9, -0.18]];
    expect(loaded.predict(probe)).toEqual(surrogate.predict(probe));
    // A version 1 file has no offsets and reads as before.
    const plain = fitSurrogate({ model: 'ridge', features, targets, groups });
    const v1 = { ...surrogateToJSON(plain), formatVersion: 1 };
    expect(surrogateFromJSON(v1).predict(probe)).toEqual(plain.predict(probe));
    expect(() => surrogateFromJSON({ ...v1, formatVersion: 3 })).toThrow(
      /model file 'nhb-surrogate v3' is not valid; allowed: nhb-surrogate v1 or v2/,
    );
    // An offset column the model's inputs do not have is refused at load.
    const broken = {
      ...file,
      targetSpecs: [{ ...file.targetSpecs[0], offset: { ...offset, column: 3 } }],
    };
    expect(() => surrogateFromJSON(broken)).toThrow(/offset column 3 is not valid/);
  });

  it('refuses committees without their three members, mismatched kinds and wrong schemas', () => {
    const { features, targets, groups } = toyData();
    const ensemble = { members: 2, hidden: [8], steps: 20 };
    const file = surrogateToJSON(
      fitSurrogate({ model: 'committee', features, targets, groups, ensemble }),
    );
    if (file.regressor.kind !== 'committee') throw new Error('not a committee');
    const members = file.regressor.members;
    const committee = (list: unknown) =>
      ({ ...file, regressor: { kind: 'committee', members: list } }) as never;
    expect(() => surrogateFromJSON(committee(members.slice(0, 2)))).toThrow(
      /committee members 'ensemble, ridge' is not valid; allowed: ensemble, ridge, knn/,
    );
    expect(() => surrogateFromJSON(committee([]))).toThrow(/committee members '' is not valid/);
    expect(() => surrogateFromJSON(committee([members[0], members[0], members[2]]))).toThrow(
      /committee members/,
    );
    expect(() => surrogateFromJSON(committee(undefined))).toThrow(/committee members 'none'/);
    expect(() => surrogateFromJSON({ ...file, kind: 'ridge' })).toThrow(
      /kind ridge with a committee regressor' is not valid/,
    );
    expect(() =>
      surrogateFromJSON({ ...file, kind: 'gp', regressor: { kind: 'gp' } } as never),
    ).toThrow(/kind gp/);
    expect(() => surrogateFromJSON('null')).toThrow(/model file 'null' is not valid/);
    expect(() => surrogateFromJSON({ ...file, formatVersion: '2' } as never)).toThrow(
      /nhb-surrogate v"2"/,
    );

    // A schema whose names do not match its settings or the input columns.
    const schema = createFeatureSchema({ curveEpochs: 2, encodings: false });
    const lean = fitSurrogate({
      model: 'ridge',
      features: features.map((row) => [...row, 0.5, 0.2, 0.1, 0.3, 0.4].slice(0, 8)),
      targets,
      groups,
      featureSchema: schema,
    });
    const leanFile = surrogateToJSON(lean);
    expect(surrogateFromJSON(leanFile).featureSchema).toEqual(schema);
    expect(() =>
      surrogateFromJSON({ ...leanFile, featureSchema: { ...schema, encodings: true } } as never),
    ).toThrow(/feature schema '8 names for 8 input columns' is not valid; allowed: the 80 columns/);
    expect(() =>
      surrogateFromJSON({ ...leanFile, featureSchema: { ...schema, encodings: 'no' } } as never),
    ).toThrow(/encodings 'no' is not valid; allowed: true or false/);
    // Offsets came with version 2.
    const offset = { column: 0, scale: 1, name: 'log10Parameters' };
    const v1 = {
      ...leanFile,
      formatVersion: 1,
      targetSpecs: leanFile.targetSpecs.map((t) => ({ ...t, offset })),
    };
    expect(() => surrogateFromJSON(v1)).toThrow(/offsets in version 2 files only/);
  });

  it('leaves no temporary files and rejects foreign JSON', async () => {
    const names = await readdir(folder);
    expect(names.filter((name) => name.includes('.tmp'))).toEqual([]);
    expect(() => surrogateFromJSON('{"format":"other"}')).toThrow(/model file/);
  });
});
