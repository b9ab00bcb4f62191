"""Validates notebook.ipynb against the nbformat 4 schema, checks its PNG attachments, then
executes it with `jupyter nbconvert --execute` in the run directory (its code cells reload the
run's CSVs with pandas). Prints JSON; exits 1 on a problem."""
import base64, json, subprocess, sys
import nbformat

out = sys.argv[1]
nb = nbformat.read(out + "/notebook.ipynb", as_version=4)
nbformat.validate(nb)
pngs = 0
for cell in nb.cells:
    for name, bundle in cell.get("attachments", {}).items():
        data = base64.b64decode(bundle["image/png"])
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        pngs += 1
subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                "--output", "notebook-executed.ipynb", "notebook.ipynb"], cwd=out, check=True,
               capture_output=True)
nb = nbformat.read(out + "/notebook-executed.ipynb", as_version=4)
errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
code = [c for c in nb.cells if c.cell_type == "code"]
with_output = sum(1 for c in code if c.outputs)
summary = {"nbformat": nb.nbformat, "cells": len(nb.cells), "code_cells": len(code),
           "code_cells_with_output": with_output, "pngs": pngs, "errors": len(errors)}
print(json.dumps(summary))
sys.exit(1 if errors or with_output != len(code) else 0)
