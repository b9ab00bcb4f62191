"""Changes named inputs of a TokenPlan workbook with openpyxl (which keeps the formulas and drops
the cached values), has LibreOffice headless recalculate it and export every sheet as CSV, and
prints the recalculated sheets as JSON: {"Quarterly plan": [{column: value, ...}, ...], ...}.
Usage: recalc.py WORKBOOK SCRATCH_DIR NAME=VALUE..."""
import csv, glob, json, os, subprocess, sys
import openpyxl

book, scratch, changes = sys.argv[1], sys.argv[2], sys.argv[3:]
wb = openpyxl.load_workbook(book)
def named(name):
    sheet, ref = wb.defined_names[name].attr_text.lstrip("=").split("!")
    return wb[sheet.strip("'")][ref.replace("$", "")]
for change in changes:
    name, value = change.split("=")
    try:
        named(name).value = float(value)
    except ValueError:
        named(name).value = value  # a choice, such as the scenario switch's
changed = os.path.join(scratch, "changed.xlsx")
wb.save(changed)
# CSV export of every sheet (token 12 = -1: one file per sheet, "changed-<sheet>.csv"), full
# precision (cells not "as shown"), UTF-8.
filt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
env = dict(os.environ, HOME=scratch)  # a profile of its own: no clash with another soffice
subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", filt, "--outdir", scratch, changed],
               check=True, capture_output=True, env=env, timeout=300)
def value(text):
    try:
        return float(text)
    except ValueError:
        return text  # a quarter, a fiscal year, an empty cell
out = {}
for sheet in ["Summary", "Quarterly plan", "Unconstrained plan", "Budget by fiscal year", "Scenario switch"]:
    if not os.path.exists(os.path.join(scratch, f"changed-{sheet}.csv")):
        continue
    rows = list(csv.DictReader(open(os.path.join(scratch, f"changed-{sheet}.csv"), encoding="utf-8")))
    out[sheet] = [{k: value(v) for k, v in r.items()} for r in rows]
print(json.dumps(out))
