import { EDGES, OPERATION_NAMES, parseCellCode } from '@nashpobench2/search-space';

// Nodes 0, 1, 3 form a triangle with node 2 inside, so no two edges cross.
const NODE_X = [40, 205, 205, 370];
const NODE_Y = [185, 30, 120, 185];
const OP_COLOURS = ['#d95f02', '#1b9e77', '#7570b3', '#bbbbbb'];
const NODE_NAMES = ['in', '1', '2', 'out'];

/** The cell's DAG: 4 nodes, 6 edges coloured and labelled by operation; zero edges dashed. */
export function CellDag({ cellCode }: { cellCode: string }) {
  const ops = parseCellCode(cellCode);
  return (
    <svg viewBox="0 0 410 215" class="cell-dag" role="img" aria-label={`DAG of cell ${cellCode}`}>
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="10"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#555" />
        </marker>
      </defs>
      {EDGES.map(([from, to], edge) => {
        const op = ops[edge];
        const dx = NODE_X[to] - NODE_X[from];
        const dy = NODE_Y[to] - NODE_Y[from];
        const length = Math.hypot(dx, dy);
        const x1 = NODE_X[from] + (dx / length) * 19;
        const y1 = NODE_Y[from] + (dy / length) * 19;
        const x2 = NODE_X[to] - (dx / length) * 21;
        const y2 = NODE_Y[to] - (dy / length) * 21;
        const lx = (x1 + x2) / 2;
        const ly = (y1 + y2) / 2 + (from === 0 && to === 3 ? 14 : 4);
        return (
          <g key={`${from}-${to}`} data-edge={edge} data-op={op}>
            <line
              x1={x1}
              y1={y1}
              x2={x2}
              y2={y2}
              stroke={OP_COLOURS[op]}
              stroke-width={op === 3 ? 1.5 : 3}
              stroke-dasharray={op === 3 ? '4 4' : undefined}
              marker-end="url(#arrow)"
            />
            <text x={lx} y={ly} text-anchor="middle" class="edge-label" fill={OP_COLOURS[op]}>
              {OPERATION_NAMES[op]}
            </text>
          </g>
        );
      })}
      {NODE_X.map((x, node) => (
        <g key={`n${NODE_NAMES[node]}`}>
          <circle cx={x} cy={NODE_Y[node]} r="18" fill="#fff" stroke="#333" stroke-width="1.5" />
          <text x={x} y={NODE_Y[node] + 5} text-anchor="middle" class="node-label">
            {NODE_NAMES[node]}
          </text>
        </g>
      ))}
    </svg>
  );
}
