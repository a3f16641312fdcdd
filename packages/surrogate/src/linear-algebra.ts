import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Column means and standard deviations (population, 1 where a column is constant). */
export interface ColumnScaler {
  /** Mean of each column. */
  readonly mean: number[];
  /** Standard deviation of each column; 1 for constant columns so they map to 0. */
  readonly std: number[];
}

/** Fits a column scaler on rows of equal length. */
export function fitScaler(rows: readonly ArrayLike<number>[]): ColumnScaler {
  const width = rows[0]?.length ?? 0;
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  for (const row of rows) for (let j = 0; j < width; j++) mean[j] += row[j] / rows.length;
  for (const row of rows) for (let j = 0; j < width; j++) std[j] += (row[j] - mean[j]) ** 2;
  for (let j = 0; j < width; j++) {
    const s = Math.sqrt(std[j] / rows.length);
    std[j] = s > 1e-12 ? s : 1;
  }
  return { mean, std };
}

/** Standardises rows with a scaler: (x − mean) / std per column. */
export function scaleRows(
  scaler: ColumnScaler,
  rows: readonly ArrayLike<number>[],
): Float64Array[] {
  return rows.map((row) => {
    const out = new Float64Array(row.length);
    for (let j = 0; j < row.length; j++) out[j] = (row[j] - scaler.mean[j]) / scaler.std[j];
    return out;
  });
}

/** Ridge solution W = (XᵀX + λI)⁻¹XᵀY for centred X (n × p) and Y (n × q), returned p × q. */
export function ridgeSolve(gram: Matrix, crossProduct: Matrix, lambda: number): Matrix {
  const regularised = gram.clone();
  for (let j = 0; j < regularised.rows; j++) regularised.set(j, j, regularised.get(j, j) + lambda);
  return new CholeskyDecomposition(regularised).solve(crossProduct);
}

/** Principal axes of rows (already centred), largest variance first. */
export interface PrincipalAxes {
  /** Eigenvalues (variances along the axes), descending. */
  readonly variances: number[];
  /** Axes as rows of a (axes × width) matrix, unit length. */
  readonly axes: number[][];
}

/** Principal axes of centred rows via the symmetric eigen-decomposition of their covariance. */
export function principalAxes(rows: readonly ArrayLike<number>[]): PrincipalAxes {
  const data = new Matrix(rows.map((row) => Array.from(row)));
  const covariance = data.transpose().mmul(data).div(Math.max(1, rows.length));
  const decomposition = new EigenvalueDecomposition(covariance, { assumeSymmetric: true });
  const values = decomposition.realEigenvalues;
  const vectors = decomposition.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  return {
    variances: order.map((i) => Math.max(0, values[i])),
    axes: order.map((i) => vectors.getColumn(i)),
  };
}
