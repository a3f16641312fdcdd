import type { TrainingProtocol } from '@nashpobench2/dataset';
import type { NetworkShape } from '@nashpobench2/search-space';

export type { LongRecord, RunRecord } from '@nashpobench2/dataset';

/** The parts of the dataset's `TrainingProtocol` the surrogate reads (any full protocol fits). */
export type ProtocolLike = Pick<
  TrainingProtocol,
  'name' | 'shortEpochs' | 'longEpochs' | 'imageSize' | 'stemChannels' | 'cellsPerStage' | 'seeds'
>;

/** The network shape a protocol trains, for `networkCost`. */
export function protocolShape(protocol: ProtocolLike): NetworkShape {
  return {
    stemChannels: protocol.stemChannels,
    cellsPerStage: protocol.cellsPerStage,
    inputSize: protocol.imageSize,
  };
}
