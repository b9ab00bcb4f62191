"""Reads workbook.xlsx back with openpyxl: sheet names, defined names, numeric cells equal to
the CSVs, formulas present with their cached values. libxlsxwriter writes 16 significant digits,
so values compare to 1e-14 relative. Prints JSON; exits 1 on a mismatch."""
import csv, json, sys
import openpyxl

out = sys.argv[1]
wb = openpyxl.load_workbook(out + "/workbook.xlsx")
values = openpyxl.load_workbook(out + "/workbook.xlsx", data_only=True)
problems = []
plan = [r for r in csv.DictReader(open(out + "/plan.csv")) if r["workload"] == "total"]
ws, vs = wb["Quarterly plan"], values["Quarterly plan"]
header = [c.value for c in ws[1]]
def named(name):
    sheet, ref = wb.defined_names[name].attr_text.lstrip("=").split("!")
    return wb[sheet][ref.replace("$", "")].value
price = named("ElectricityPrice")
for k, row in enumerate(plan):
    for column in ["tokens", "gpu_hours", "gpus_required", "gpus_installed", "racks", "it_power_mw",
                   "energy_mwh", "capex"]:
        cell = ws.cell(k + 2, header.index(column) + 1).value
        if not isinstance(cell, (int, float)) or abs(cell - float(row[column])) > 1e-14 * max(1, abs(float(row[column]))):
            problems.append(["Quarterly plan", row["quarter"], column, cell, row[column]])
    for column, needle in [("facility_power_mw", "*PUE"), ("electricity", "*ElectricityPrice"), ("opex", "=Q")]:
        f = ws.cell(k + 2, header.index(column) + 1).value
        v = vs.cell(k + 2, header.index(column) + 1).value
        if not (isinstance(f, str) and needle in f):
            problems.append(["formula", column, row["quarter"], f])
        expected = float(row["energy_mwh"]) * 1000 * price if column == "electricity" else float(row[column])
        if (v is None or abs(v - expected) > 1e-14 * max(1, expected)):
            problems.append(["cached", column, row["quarter"], v, expected])
    formula = ws.cell(k + 2, header.index("cost_per_million_tokens") + 1).value
    cached = vs.cell(k + 2, header.index("cost_per_million_tokens") + 1).value
    if not (isinstance(formula, str) and formula.startswith("=(N")):
        problems.append(["formula", row["quarter"], formula])
    if cached is None or abs(cached - float(row["cost_per_million_tokens"])) > 1e-12 * float(row["cost_per_million_tokens"]):
        problems.append(["cached", row["quarter"], cached, row["cost_per_million_tokens"]])
sens = list(csv.DictReader(open(out + "/sensitivity.csv")))
ss = wb["Sensitivity"]
for k, row in enumerate(sens):
    if ss.cell(k + 2, 1).value != row["driver"]:
        problems.append(["Sensitivity", k, ss.cell(k + 2, 1).value, row["driver"]])
    for c, key in [(4, "cost_per_million_tokens_at_low"), (5, "cost_per_million_tokens_at_high")]:
        v = ss.cell(k + 2, c).value
        if not isinstance(v, float) or abs(v - float(row[key])) > 1e-12 * abs(float(row[key])):
            problems.append(["Sensitivity", row["driver"], key, v, row[key]])
fits = list(csv.DictReader(open(out + "/fits.csv")))
if wb["Fits"].max_row != len(fits) + 1:
    problems.append(["Fits rows", wb["Fits"].max_row, len(fits) + 1])
pue = wb.defined_names["PUE"].attr_text if "PUE" in wb.defined_names else None
assumptions = wb["Assumptions"]
if pue:
    ref = pue.split("!")[1].replace("$", "")
    if assumptions[ref].value is None or assumptions.cell(assumptions[ref].row, 1).value != "PUE":
        problems.append(["PUE name points elsewhere", pue])
summary = {"sheets": wb.sheetnames, "names": sorted(wb.defined_names.keys()),
           "frozen": {s: wb[s].freeze_panes for s in wb.sheetnames}, "problems": problems}
print(json.dumps(summary))
sys.exit(1 if problems else 0)
