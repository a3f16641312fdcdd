import {
  EDGES,
  formatCellCode,
  isCellCode,
  OPERATION_NAMES,
  parseCellCode,
} from '@nashpobench2/search-space';
import { useEffect, useState } from 'preact/hooks';

/** Props of `CellEditor`. */
export interface CellEditorProps {
  /** Current cell code, `'A|BC|DEF'`. */
  readonly cellCode: string;
  /** Called with a valid new code. */
  readonly onChange: (cellCode: string) => void;
}

/** Edits a cell by its six edges or by typing its code; invalid typing shows a message. */
export function CellEditor({ cellCode, onChange }: CellEditorProps) {
  const [text, setText] = useState(cellCode);
  const ops = parseCellCode(cellCode);
  useEffect(() => setText(cellCode), [cellCode]);

  const valid = isCellCode(text.trim());
  return (
    <div class="cell-editor">
      <label>
        Cell code{' '}
        <input
          data-testid="cell-code-input"
          value={text}
          aria-invalid={!valid}
          size={10}
          onInput={(event) => {
            const next = (event.currentTarget as HTMLInputElement).value;
            setText(next);
            if (isCellCode(next.trim())) onChange(next.trim());
          }}
        />
      </label>
      {valid ? null : (
        <span class="inline-error" role="alert">
          A cell code is six digits 0–3 written A|BC|DEF, for example 0|10|210.
        </span>
      )}
      <div class="edges">
        {EDGES.map(([from, to], edge) => (
          <label key={`${from}-${to}`}>
            {from}→{to}{' '}
            <select
              data-testid={`edge-${edge}`}
              value={String(ops[edge])}
              onChange={(event) => {
                const next = [...ops];
                next[edge] = Number(
                  (event.currentTarget as HTMLSelectElement).value,
                ) as (typeof ops)[number];
                onChange(formatCellCode(next));
              }}
            >
              {OPERATION_NAMES.map((name, digit) => (
                <option key={name} value={String(digit)}>
                  {digit} {name}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
    </div>
  );
}
