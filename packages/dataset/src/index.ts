export {
  averageRanks,
  kendallTau,
  mean,
  pearson,
  sampleStd,
  spearmanRho,
  standardError,
} from './rank-statistics.js';
