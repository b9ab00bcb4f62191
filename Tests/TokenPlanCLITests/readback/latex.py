"""Compiles latex/tables.tex with pdflatex (as shipped, no edits), reads the PDF back with
pdftotext and checks the quarterly capacity table against plan.csv. Prints JSON; exits 1 on a
problem."""
import csv, json, re, shutil, subprocess, sys, tempfile

out = sys.argv[1]
work = tempfile.mkdtemp()
shutil.copytree(out + "/latex", work + "/latex")
run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "tables.tex"],
                     cwd=work + "/latex", capture_output=True, text=True)
if run.returncode != 0:
    print(json.dumps({"pdflatex": run.returncode, "log": run.stdout[-2000:]}))
    sys.exit(1)
text = subprocess.run(["pdftotext", "-layout", work + "/latex/tables.pdf", "-"],
                      capture_output=True, text=True, check=True).stdout
block = text[text.index("Quarterly capacity plan"):]
block = block[:re.search(r"Table \d+", block).start()]  # up to the next table's caption
found = {}
for line in block.splitlines():
    fields = line.split()
    if fields and re.fullmatch(r"\d{4}Q[1-4]", fields[0]):
        found[fields[0]] = fields
problems = []
for r in csv.DictReader(open(out + "/plan.csv")):
    if r["workload"] != "total":
        continue
    order = [r["order_by_quarter"]] if r["order_by_quarter"] else []
    expected = ([r["quarter"], f'{float(r["tokens_per_day"]) / 1e12:,.3f}', f'{float(r["gpu_hours"]) / 1e3:,.1f}',
                 f'{float(r["gpus_busy_avg"]):,.1f}', f'{int(r["gpus_required"]):,}', f'{int(r["gpus_installed"]):,}',
                 f'{int(r["gpus_to_order"]):,}'] + order + [f'{int(r["racks"]):,}'])
    if found.get(r["quarter"]) != expected:
        problems.append({"pdf": found.get(r["quarter"]), "csv": expected})
pages = subprocess.run(["pdfinfo", work + "/latex/tables.pdf"], capture_output=True, text=True).stdout
print(json.dumps({"pdflatex": 0, "pages": int(re.search(r"Pages:\s+(\d+)", pages).group(1)), "problems": problems}))
sys.exit(1 if problems else 0)
