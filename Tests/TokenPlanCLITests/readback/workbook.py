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
    return wb[sheet.strip("'")][ref.replace("$", "")].value
price = named("ElectricityPrice")
def evaluate(formula, row):
    """A formula of + - * / ( ) IF(c>0,a,b), cell references of `row` (their cached values)
    and defined names, evaluated in Python (left to right, as a spreadsheet does)."""
    import re
    text = formula.lstrip("=")
    text = re.sub(r"IF\(", "_if(", text)
    text = re.sub(r"\b([A-Z]{1,2})(\d+)\b",
                  lambda m: repr(float(vs[m.group(1) + m.group(2)].value)), text)
    for name in wb.defined_names:
        if isinstance(named(name), (int, float)):  # not the scenario switch's choice
            text = re.sub(r"\b%s\b" % name, repr(float(named(name))), text)
    return float(eval(text, {"_if": lambda c, a, b: a if c else b}))
for k, row in enumerate(plan):
    for column in ["tokens", "gpu_hours", "gpus_required", "gpus_installed", "racks", "it_power_mw"]:
        cell = ws.cell(k + 2, header.index(column) + 1).value
        if not isinstance(cell, (int, float)) or abs(cell - float(row[column])) > 1e-14 * max(1, abs(float(row[column]))):
            problems.append(["Quarterly plan", row["quarter"], column, cell, row[column]])
    # Capex, depreciation and capital charge: SUMPRODUCT formulas over the Capex cohorts sheet
    # (the LibreOffice recalculation test evaluates them), caching the CSV's values.
    for column in ["capex", "depreciation", "capital_charge"]:
        f = ws.cell(k + 2, header.index(column) + 1).value
        v = vs.cell(k + 2, header.index(column) + 1).value
        if not isinstance(f, str) or not f.startswith("=") or "'Capex cohorts'!" not in f:
            problems.append(["cohort formula", column, row["quarter"], f])
        if v is None or abs(v - float(row[column])) > 1e-14 * max(1, abs(float(row[column]))):
            problems.append(["cached", column, row["quarter"], v, row[column]])
    # The cost model's formulas: present, recomputing (from the cells they name, by a small
    # evaluator below) the value cached beside them, which equals the CSV's.
    for column in ["facility_power_mw", "energy_mwh", "joules_per_token", "electricity", "opex",
                   "cost_per_million_tokens"]:
        f = ws.cell(k + 2, header.index(column) + 1).value
        v = vs.cell(k + 2, header.index(column) + 1).value
        if not isinstance(f, str) or not f.startswith("="):
            problems.append(["formula", column, row["quarter"], f])
            continue
        expected = float(row["energy_mwh"]) * 1000 * price if column == "electricity" else float(row[column])
        if v is None or abs(v - expected) > 1e-14 * max(1, expected):
            problems.append(["cached", column, row["quarter"], v, expected])
        recomputed = evaluate(f, k + 2)
        if v is None or abs(recomputed - v) > 1e-12 * max(1, abs(v)):
            problems.append(["recomputed", column, row["quarter"], f, recomputed, v])
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
