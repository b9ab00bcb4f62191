"""Prints workbook.xlsx to PDF with LibreOffice headless and checks the print setup: every page
landscape, the header (plan title, sheet name) and "Page P of N" on every page, and each sheet one
page wide (a sheet's last header column on the same page as its first). Prints JSON.
Usage: print.py WORKBOOK SCRATCH_DIR"""
import json, os, re, subprocess, sys
import openpyxl

book, scratch = sys.argv[1], sys.argv[2]
env = dict(os.environ, HOME=scratch)
subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", scratch, book],
               check=True, capture_output=True, env=env, timeout=300)
pdf = os.path.join(scratch, os.path.splitext(os.path.basename(book))[0] + ".pdf")
info = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
wb = openpyxl.load_workbook(book)
title = wb.properties.title
problems = []
split = []
blank = []
for p in range(1, pages + 1):
    size = subprocess.run(["pdfinfo", "-f", str(p), "-l", str(p), pdf], check=True, capture_output=True, text=True).stdout
    w, h = map(float, re.search(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", size).groups())
    text = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), "-layout", pdf, "-"], check=True,
                          capture_output=True, text=True).stdout
    if w <= h:
        problems.append(["portrait", p])
    if not text.strip():
        blank.append(p)  # LibreOffice may emit an empty page between sheets: no content to check
        continue
    if f"Page {p} of {pages}" not in text:
        problems.append(["footer", p])
    if title not in text:
        problems.append(["header", p])
    for ws in wb.worksheets:
        first, last = ws.cell(1, 1).value, ws.cell(1, ws.max_column).value
        # A page that starts a sheet's table (its sheet name in the header and its first column's
        # title) must also show its last column's title: the sheet is one page wide.
        if ws.title in text and re.search(r"^\s*" + re.escape(str(first)) + r"\b", text, re.M) and str(last) not in text:
            split.append([ws.title, p])
print(json.dumps({"pages": pages, "problems": problems, "split": split, "blank": blank, "sheets": wb.sheetnames}))
