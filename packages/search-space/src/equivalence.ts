import { allCellCodes, type CellCode, cellIndex, parseCellCode } from './cell-code.js';
import { CLASS_IDS_BASE36 } from './data/class-ids.js';
import { OFFICIAL_REPRESENTATIVES } from './data/official-representatives.js';
import { NhbError } from './errors.js';
import { EDGES, OP_SKIP, OP_ZERO } from './operations.js';

/** One class of equivalent cells: the codes that compute the same network. */
export interface CellClass {
  /** Stable id, 0..1010: the position of the representative among the official codes sorted as strings. */
  readonly id: number;
  /** The authors' representative of the class (the code they trained). */
  readonly representative: CellCode;
  /** Every member code, sorted as strings; includes the representative. */
  readonly members: readonly CellCode[];
}

/** Number of classes of equivalent cells (the authors' 1,011 trainings per hyperparameter pair). */
export const CELL_CLASS_COUNT = 1011;

const INPUT_LABEL = 'I';
const OUTPUT_LABEL = 'O';
/** Canonical form shared by every code whose output is cut off from its input. */
const ZERO_OUTPUT_FORM = 'zero-output';

interface LabelledMultigraph {
  labels: string[];
  /** counts[i][j] = number of parallel edges i → j. */
  counts: number[][];
}

/** Builds the edge-node graph of SPEC section 2: input, output and one node per non-zero edge. */
function edgeNodeGraph(code: CellCode): LabelledMultigraph {
  const ops = parseCellCode(code);
  const live = EDGES.map((edge, i) => ({ from: edge[0], to: edge[1], op: ops[i] })).filter(
    (e) => e.op !== OP_ZERO,
  );
  const size = live.length + 2;
  const counts = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  const labels = [INPUT_LABEL, OUTPUT_LABEL, ...live.map((e) => String(e.op))];

  live.forEach((e, i) => {
    const node = i + 2;
    if (e.from === 0) counts[0][node] += 1;
    if (e.to === 3) counts[node][1] += 1;
    live.forEach((f, j) => {
      if (e.to === f.from) counts[node][j + 2] += 1;
    });
  });
  return { labels, counts };
}

function reachable(counts: number[][], start: number, forward: boolean): boolean[] {
  const seen = new Array<boolean>(counts.length).fill(false);
  const stack = [start];
  seen[start] = true;
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (let other = 0; other < counts.length; other++) {
      const linked = forward ? counts[node][other] > 0 : counts[other][node] > 0;
      if (linked && !seen[other]) {
        seen[other] = true;
        stack.push(other);
      }
    }
  }
  return seen;
}

function keepNodes(graph: LabelledMultigraph, keep: boolean[]): LabelledMultigraph {
  const kept = graph.labels.map((_, i) => i).filter((i) => keep[i]);
  return {
    labels: kept.map((i) => graph.labels[i]),
    counts: kept.map((i) => kept.map((j) => graph.counts[i][j])),
  };
}

/** Removes every skip node, joining predecessors to successors with multiplied edge counts. */
function contractSkips(graph: LabelledMultigraph): LabelledMultigraph {
  let current = graph;
  for (;;) {
    const skip = current.labels.indexOf(String(OP_SKIP));
    if (skip < 0) return current;

    const counts = current.counts.map((row) => row.slice());
    for (let from = 0; from < counts.length; from++) {
      for (let to = 0; to < counts.length; to++) {
        counts[from][to] += current.counts[from][skip] * current.counts[skip][to];
      }
    }
    const keep = current.labels.map((_, i) => i !== skip);
    current = keepNodes({ labels: current.labels, counts }, keep);
  }
}

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items.slice()];
  const result: number[][] = [];
  items.forEach((item, i) => {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const tail of permutations(rest)) result.push([item, ...tail]);
  });
  return result;
}

/** Smallest serialization over all label-preserving orders of the operation nodes. */
function canonicalSerialization(graph: LabelledMultigraph): string {
  const opNodes = graph.labels.map((_, i) => i).filter((i) => i >= 2);
  const byLabel = new Map<string, number[]>();
  for (const node of opNodes) {
    const group = byLabel.get(graph.labels[node]) ?? [];
    group.push(node);
    byLabel.set(graph.labels[node], group);
  }
  const labelOrder = [...byLabel.keys()].sort();

  // Only orders that keep nodes grouped by label can be minimal, so permute within groups.
  let orders: number[][] = [[0, 1]];
  for (const label of labelOrder) {
    const groupPerms = permutations(byLabel.get(label)!);
    orders = orders.flatMap((prefix) => groupPerms.map((perm) => [...prefix, ...perm]));
  }

  let best: string | undefined;
  for (const order of orders) {
    const labels = order.map((i) => graph.labels[i]).join('');
    const matrix = order.map((i) => order.map((j) => graph.counts[i][j]).join(',')).join(';');
    const text = `${labels}:${matrix}`;
    if (best === undefined || text < best) best = text;
  }
  return best!;
}

/**
 * Canonical form of a cell: equal for two codes exactly when they compute the same network
 * (SPEC section 2). Every code whose output is cut off from its input gets `'zero-output'`.
 */
export function canonicalForm(code: CellCode): string {
  const graph = edgeNodeGraph(code);
  const fromInput = reachable(graph.counts, 0, true);
  const toOutput = reachable(graph.counts, 1, false);
  if (!fromInput[1]) return ZERO_OUTPUT_FORM;

  const onPath = fromInput.map((seen, i) => seen && toOutput[i]);
  return canonicalSerialization(contractSkips(keepNodes(graph, onPath)));
}

interface ClassTable {
  classes: CellClass[];
  classIdByCellIndex: Int16Array;
}

let table: ClassTable | undefined;

/**
 * Class id of every code by canonicalizing each of the 4,096 graphs (about 0.2-0.4 s): the
 * definition, used to generate and test the precomputed table in data/class-ids.ts.
 */
export function computeClassIds(): Int16Array {
  const representatives = [...OFFICIAL_REPRESENTATIVES].sort();
  const idByForm = new Map<string, number>();
  representatives.forEach((code, id) => {
    const form = canonicalForm(code);
    if (idByForm.has(form)) {
      throw new NhbError('ERR_INTERNAL', `search-space: official cells ${code} share a class`);
    }
    idByForm.set(form, id);
  });
  const codes = allCellCodes();
  const ids = new Int16Array(codes.length);
  codes.forEach((code, index) => {
    const id = idByForm.get(canonicalForm(code));
    if (id === undefined) {
      throw new NhbError(
        'ERR_INTERNAL',
        `search-space: cell ${code} has no official representative`,
      );
    }
    ids[index] = id;
  });
  return ids;
}

/** Decodes data/class-ids.ts: two base-36 digits per code, in official code order. */
export function decodeClassIds(text: string): Int16Array {
  const ids = new Int16Array(text.length / 2);
  for (let i = 0; i < ids.length; i++) ids[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 36);
  return ids;
}

/** Encodes class ids as data/class-ids.ts stores them (see `decodeClassIds`). */
export function encodeClassIds(ids: Int16Array): string {
  return Array.from(ids, (id) => id.toString(36).padStart(2, '0')).join('');
}

function buildTable(): ClassTable {
  // Precomputed (a test checks it against computeClassIds): no 0.3 s stall on first use.
  const classIdByCellIndex = decodeClassIds(CLASS_IDS_BASE36);
  const representatives = [...OFFICIAL_REPRESENTATIVES].sort();
  const members: CellCode[][] = representatives.map(() => []);
  allCellCodes().forEach((code, index) => {
    members[classIdByCellIndex[index]].push(code);
  });
  const classes = representatives.map((representative, id) => ({
    id,
    representative,
    members: members[id],
  }));
  return { classes, classIdByCellIndex };
}

function classTable(): ClassTable {
  table ??= buildTable();
  return table;
}

/** All 1,011 classes of equivalent cells, ordered by id. Built once, on first use (~1 ms). */
export function cellClasses(): readonly CellClass[] {
  return classTable().classes;
}

/** Class id (0..1010) of every code, indexed by the code's official position (`cellIndex`). */
export function classIdsByCellIndex(): Int16Array {
  return classTable().classIdByCellIndex;
}

/** The class a cell code belongs to. */
export function cellClassOf(code: CellCode): CellClass {
  const index = cellIndex(code);
  return classTable().classes[classTable().classIdByCellIndex[index]];
}

/** The authors' representative of the class of `code` (the cell they actually trained). */
export function representativeOf(code: CellCode): CellCode {
  return cellClassOf(code).representative;
}

/** True when two codes compute the same network. */
export function areEquivalent(a: CellCode, b: CellCode): boolean {
  return cellClassOf(a).id === cellClassOf(b).id;
}
