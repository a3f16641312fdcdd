#!/usr/bin/env python3
"""Regenerates packages/search-space/src/data/*.ts from the authors' YAML lists in packages/search-space/data/."""
import pathlib, re

root = pathlib.Path(__file__).resolve().parent.parent / 'packages' / 'search-space'
for name, fn, var, doc in [
    ('official-representatives', 'acml12-cellcodes.yaml', 'OFFICIAL_REPRESENTATIVES',
     'The 1,011 cell codes the authors trained for 12 epochs, one per equivalence class'),
    ('official-long-run-cells', 'acml200-cellcodes.yaml', 'OFFICIAL_LONG_RUN_CELLS',
     'The 100 cell codes the authors trained for 200 epochs to fit their surrogate'),
]:
    codes = re.findall(r"'([0-3]\|[0-3]{2}\|[0-3]{3})'", (root / 'data' / fn).read_text())
    lines = [f"// Generated from data/{fn} (authors' training code, MIT license: data/LICENSE.official).",
             "// A test checks that this list equals the YAML file; regenerate with tools/gen-official-lists.py.",
             "", f"/** {doc} ({len(codes)} codes, in file order). */",
             f"export const {var}: readonly string[] = ["]
    for i in range(0, len(codes), 8):
        lines.append('  ' + ' '.join(f"'{c}'," for c in codes[i:i + 8]))
    lines.append('];')
    (root / 'src' / 'data' / f'{name}.ts').write_text('\n'.join(lines) + '\n')
