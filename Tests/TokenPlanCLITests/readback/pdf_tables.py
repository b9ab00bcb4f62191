"""Reads report.pdf back through pdftotext (poppler) and checks that its quarterly tables show
the same numbers as plan.csv, formatted here independently (Python's own thousands grouping).
Prints a JSON summary; exits 1 listing every mismatch."""
import csv, json, re, subprocess, sys

out = sys.argv[1]
text = subprocess.run(["pdftotext", "-layout", out + "/report.pdf", "-"],
                      capture_output=True, text=True, check=True).stdout
first_page = text.split("\f")[0]
rows = [r for r in csv.DictReader(open(out + "/plan.csv")) if r["workload"] == "total"]
unconstrained = [r for r in csv.DictReader(open(out + "/plan-unconstrained.csv")) if r["workload"] == "total"]

def section(start, end):
    s = text[text.index(start):]
    return s[:s.index(end)]

def quarter_lines(block):
    found = {}
    for line in block.splitlines():
        fields = line.split()
        if fields and re.fullmatch(r"\d{4}Q[1-4]", fields[0]) and fields[0] not in found:
            found[fields[0]] = fields
    return found

def f(value, decimals):
    return f"{float(value):,.{decimals}f}"

# GPUs per node of each hardware in the shipped catalog (the default plan's), read line by line.
gpus_per_node, current = {}, None
for line in open(sys.argv[2] if len(sys.argv) > 2 else "datasets/catalog/hardware.yaml"):
    if re.match(r"^  [A-Za-z0-9-]+:\s*$", line):
        current = line.strip()[:-1]
    m = re.match(r"^\s+gpus_per_node:\s*(\d+)", line)
    if m and current:
        gpus_per_node[current] = int(m.group(1))

problems = []
capacity = quarter_lines(section("Quarterly capacity plan", "Power, energy and cost by quarter"))
power = quarter_lines(section("Power, energy and cost by quarter", "GPUs required by workload"))
headline = quarter_lines(section("Headline: the next four quarters", "The constrained plan:"))
would_take = quarter_lines(section("What it would take: the unconstrained plan", "Every quarter's demand served"))
served = {r["quarter"]: 100 * float(r["tokens_served"]) / float(r["tokens"]) for r in rows}
for r in rows:
    q = r["quarter"]
    order = [r["order_by_quarter"]] if r["order_by_quarter"] else []
    expected = ([q, f(float(r["tokens_per_day"]) / 1e12, 3), f(float(r["gpu_hours"]) / 1e3, 1),
                 f(r["gpus_busy_avg"], 1), f(r["gpus_required"], 0), f(r["gpus_installed"], 0),
                 f(r["gpus_to_order"], 0)] + order + [f(r["racks"], 0)])
    if capacity.get(q) != expected:
        problems.append({"table": "capacity", "pdf": capacity.get(q), "csv": expected})
    expected = [q, f(r["it_power_mw"], 2), f(r["facility_power_mw"], 2), f(r["energy_mwh"], 0),
                f(r["joules_per_token"], 3), f(float(r["capex"]) / 1e6, 2), f(float(r["opex"]) / 1e6, 2),
                f(r["cost_per_million_tokens"], 4)]
    if power.get(q) != expected:
        problems.append({"table": "power", "pdf": power.get(q), "csv": expected})
for r in rows[:4]:
    q = r["quarter"]
    order = [r["order_by_quarter"]] if r["order_by_quarter"] else []
    expected = ([q, f(float(r["tokens_per_day"]) / 1e12, 3), f(served[q], 1), f(r["gpus_required"], 0),
                 f(r["gpus_installed"], 0), f(r["gpus_to_order"], 0)] + order
                + [f(r["facility_power_mw"], 2), f(r["energy_mwh"], 0), f(r["cost_per_million_tokens"], 4)])
    got = headline.get(q)
    if int(r["gpus_to_order"]) > 0:
        # What to buy: whole systems (GPUs per system from the shipped hardware catalog). A long
        # name wraps in its cell: the line holds its first part.
        expected += [f(int(r["gpus_to_order"]) // gpus_per_node[r["purchase_hardware"]], 0), "×", r["purchase_hardware"]]
        if got and len(got) == len(expected) and r["purchase_hardware"].startswith(got[-1]):
            got = got[:-1] + [r["purchase_hardware"]]
    if got != expected:
        problems.append({"table": "headline", "pdf": headline.get(q), "csv": expected})
# What it would take: plan-unconstrained.csv beside the constrained plan's served share.
for r in unconstrained:
    q = r["quarter"]
    order = [r["order_by_quarter"]] if r["order_by_quarter"] else []
    expected = ([q, f(float(r["tokens_per_day"]) / 1e12, 3), f(r["gpus_required"], 0), f(r["gpus_to_order"], 0)] + order
                + [f(r["facility_power_mw"], 2), f(r["shortfall_mw"], 2), f(float(r["capex"]) / 1e6, 2),
                   f(r["cost_per_million_tokens"], 4), f(served[q], 1)])
    if would_take.get(q) != expected:
        problems.append({"table": "unconstrained", "pdf": would_take.get(q), "csv": expected})
# What to buy and when (the first page): one line per purchase, whole systems, from plan.csv; an
# order-by quarter before the quarter the run was made in (the run log's document date) is late.
made = json.load(open(f"{out}/run-log.json"))["document_date"]
run_quarter = f"{made[:4]}Q{(int(made[5:7]) - 1) // 3 + 1}"
def by(q):
    return [q, "(late)"] if q < run_quarter else [q]

buy = section("What to buy and when", "The constrained plan: systems are ordered")
lines = [l.split() for l in buy.splitlines() if " systems " in l]
purchases = [r for r in rows if int(r["gpus_to_order"]) > 0]
for r, got in zip(purchases, lines):
    hardware = r["purchase_hardware"]
    capex = sum(float(p.split(":")[1]) for p in r["capex_by_hardware"].split(";"))
    expected = ([hardware, "systems", f(int(r["gpus_to_order"]) // gpus_per_node[hardware], 0), f(r["gpus_to_order"], 0)]
                + by(r["order_by_quarter"]) + [r["quarter"], f(capex / 1e6, 2)])
    if got != expected:
        problems.append({"table": "what to buy", "pdf": got, "csv": expected})
if len(lines) != len(purchases):
    problems.append({"table": "what to buy", "pdf lines": len(lines), "csv purchases": len(purchases)})
pages = text.count("\f")
summary = {"quarters": len(rows), "unconstrained_quarters": len(would_take), "pages": pages, "problems": problems,
           "fits_continued": "Forecast models by series (continued)" in text,
           "assumptions": "Assumptions register" in text, "purchases": len(lines),
           "method": "How the plan is computed" in text, "risks": "Top risks" in text,
           # Page 1 is the decision: its top risks fit on it, the method comes after.
           "risks_on_page_1": "Top risks" in first_page and "How the plan is computed" not in first_page,
           "risks_in_full": "Risks in full" in text}
print(json.dumps(summary))
sys.exit(1 if problems else 0)
