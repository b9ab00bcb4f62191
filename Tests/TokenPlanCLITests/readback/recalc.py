"""Changes the workbook's named inputs PUE and ElectricityPrice with openpyxl (which keeps the
formulas and drops the cached values), has LibreOffice headless recalculate and export the
Quarterly plan sheet as CSV, and prints {quarter: cost_per_million_tokens, ...} as JSON.
Usage: recalc.py WORKBOOK PUE PRICE SCRATCH_DIR"""
import csv, json, os, subprocess, sys
import openpyxl

book, pue, price, scratch = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
wb = openpyxl.load_workbook(book)
def named(name):
    sheet, ref = wb.defined_names[name].attr_text.lstrip("=").split("!")
    return wb[sheet][ref.replace("$", "")]
named("PUE").value = pue
named("ElectricityPrice").value = price
changed = os.path.join(scratch, "changed.xlsx")
wb.save(changed)
sheet = wb.sheetnames.index("Quarterly plan") + 1
# CSV export of one sheet (token 12), full precision (cells not "as shown"), UTF-8.
filt = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}"
env = dict(os.environ, HOME=scratch)  # a profile of its own: no clash with another soffice
subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", filt, "--outdir", scratch, changed],
               check=True, capture_output=True, env=env, timeout=300)
out = os.path.join(scratch, "changed-Quarterly plan.csv")
rows = list(csv.DictReader(open(out, encoding="utf-8")))
print(json.dumps({r["quarter"]: float(r["cost_per_million_tokens"]) for r in rows}))
