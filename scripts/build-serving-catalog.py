#!/usr/bin/env python3
"""Builds datasets/catalog/serving.yaml from the source extracts in datasets/catalog/sources/.

Run: python3 scripts/build-serving-catalog.py   (no arguments; rewrites serving.yaml byte for byte)

Every measurement keeps the conditions it was taken at (model, hardware, GPUs, precision,
engine, mean input and output tokens, the latency it was held to) and its source and date.
What is taken and what is left out, and why, is in datasets/catalog/sources/README.md.
"""
import csv
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = os.path.join(HERE, "..", "datasets", "catalog", "sources")
OUT = os.path.join(HERE, "..", "datasets", "catalog", "serving.yaml")

# --- MLPerf Inference v5.1 (closed, valid results; best per-accelerator figure per benchmark,
# scenario and accelerator). Conditions: mlperf-v5.1-conditions.md and mlperf-input-lengths.md.
MLPERF_MODELS = {
    "llama2-70b-99": "llama-70b",
    "llama3.1-8b": "llama-8b",
    "llama3.1-405b": "llama-405b",
    "deepseek-r1": "deepseek-r1",
    "mixtral-8x7b": "mixtral-8x7b",
}
MLPERF_HARDWARE = {
    "NVIDIA H100-SXM-80GB": ("H100", "fp8"),
    "NVIDIA H200-SXM-141GB": ("H200", "fp8"),
    "NVIDIA B200-SXM-180GB": ("B200", "fp4"),
    "NVIDIA GB200": ("GB200-NVL72", "fp4"),
    "NVIDIA GB300": ("GB300-NVL72", "fp4"),
    "AMD Instinct MI300X 192GB HBM3": ("MI300X", "fp8"),
    "AMD Instinct MI325X 256GB HBM3e": ("MI325X", "fp8"),
}
# Mean input and output tokens per sample (see mlperf-v5.1-conditions.md for each figure's source).
MLPERF_LENGTHS = {}  # filled below from mlperf-lengths.csv
# p99 time per output token and time to first token bounds, seconds (submission checker v5.1.1).
MLPERF_BOUNDS = {
    ("llama2-70b-99", "Server"): (0.200, 2.0), ("llama2-70b-99", "Interactive"): (0.040, 0.45),
    ("llama3.1-8b", "Server"): (0.100, 2.0), ("llama3.1-8b", "Interactive"): (0.030, 0.5),
    ("llama3.1-405b", "Server"): (0.175, 6.0), ("llama3.1-405b", "Interactive"): (0.080, 4.5),
    ("deepseek-r1", "Server"): (0.080, 2.0), ("mixtral-8x7b", "Server"): (0.200, 2.0),
}

# --- TensorRT-LLM performance overview (maximum throughput, fixed lengths).
TRT_MODELS = {
    "Llama 3.1 8B": "llama-8b", "Llama 3.3 70B": "llama-70b", "Llama 3.1 405B": "llama-405b",
    "DeepSeek-R1-0528": "deepseek-r1", "Qwen3-235B-A22B": "qwen3-235b-a22b", "Qwen3-30B-A3B": "qwen3-30b-a3b",
    "gpt-oss-120b": "gpt-oss-120b", "gpt-oss-20b": "gpt-oss-20b",
}
TRT_HARDWARE = {"H100": "H100", "H200": "H200", "B200": "B200", "GB200": "GB200-NVL72", "B300 (beta)": "B300", "GB300 (beta)": "GB300-NVL72"}
TRT_VERSION_ORDER = {"1.2": 3, "not stated": 2, "1.0": 1}

# --- InferenceX frontier points (throughput against interactivity).
IX_MODELS = {"DeepSeek-R1": "deepseek-r1", "DeepSeek-R1-0528": "deepseek-r1", "gpt-oss-120b": "gpt-oss-120b", "Llama-3.3-70B": "llama-70b"}
IX_HARDWARE = {"B200": "B200", "GB200 NVL72": "GB200-NVL72", "H100": "H100", "MI300X": "MI300X", "MI325X": "MI325X"}


def q(s):
    return json.dumps(s, ensure_ascii=False)


def num(x):
    return float(str(x).replace(",", ""))


def fmt(x):
    return ("%.6g" % x) if x != int(x) else str(int(x))


def mlperf():
    out = []
    lengths = {}
    with open(os.path.join(SOURCES, "mlperf-lengths.csv")) as f:
        for r in csv.DictReader(f):
            lengths[r["benchmark"]] = (num(r["mean_input_tokens"]), num(r["mean_output_tokens"]), r["source"])
    rows = json.load(open(os.path.join(SOURCES, "mlperf-inference-v5.1-results.json")))
    best = {}
    for division, submitter, system, bench, scenario, tps, valid, n, acc in rows:
        if division != "closed" or not valid or not n or bench not in MLPERF_MODELS or acc not in MLPERF_HARDWARE:
            continue
        key = (bench, scenario, acc)
        v = tps / n
        if key not in best or v > best[key][0]:
            best[key] = (v, submitter, system, n)
    for (bench, scenario, acc), (v, submitter, system, n) in sorted(best.items()):
        if bench not in lengths:
            continue
        hw, precision = MLPERF_HARDWARE[acc]
        inp, outp, lsrc = lengths[bench]
        tpot, ttft = MLPERF_BOUNDS.get((bench, scenario), (None, None))
        engine = "TensorRT-LLM" if system.endswith("_TRT") or hw.startswith(("H", "B", "G")) and "vLLM" not in system else "vLLM"
        if "vLLM" in system:
            engine = "vLLM"
        if hw in ("MI300X", "MI325X"):
            engine = "vLLM (ROCm)"
        src = ("MLPerf Inference v5.1 closed, %s %s, %s %s (%d accelerators; mlcommons/inference_results_v5.1 @965182b0); "
               "precision %s as NVIDIA/AMD state for the round (assumed where the submission does not say); lengths: %s") % (
            bench, scenario, submitter, system, n, precision.upper(), lsrc)
        out.append(dict(model=MLPERF_MODELS[bench], hardware=hw, gpus=n, precision=precision, engine=engine,
                        scenario=scenario.lower(), input_tokens=inp, output_tokens=outp,
                        tokens_per_s_per_user=(1 / tpot) if tpot else None, ttft_s=ttft, p99=bool(tpot),
                        output_tokens_per_s_per_gpu=round(v, 1), source=src, date="2025-09"))
    return out


def trtllm():
    rows = list(csv.DictReader(open(os.path.join(SOURCES, "trtllm-perf-overview.csv"))))
    best = {}
    for r in rows:
        if r["model"] not in TRT_MODELS or r["gpu"] not in TRT_HARDWARE:
            continue
        model, hw, precision = TRT_MODELS[r["model"]], TRT_HARDWARE[r["gpu"]], r["precision"].lower()
        if model.startswith("gpt-oss") and precision != "fp4":
            continue  # MXFP4 weights on Hopper, listed as FP8: the weight bytes would be wrong
        n = int(r["gpu_count"])
        per_gpu = num(r["value"]) if "per GPU" in r["unit"] else num(r["value"]) / n
        key = (model, hw, precision, int(r["isl"]), int(r["osl"]))
        rank = (TRT_VERSION_ORDER[r["trtllm_version"]], per_gpu)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, per_gpu, n, r)
    out = []
    for (model, hw, precision, isl, osl), (rank, per_gpu, n, r) in sorted(best.items()):
        version = r["trtllm_version"]
        label = {"1.2": "release 1.2 (PR #12098, 2026-03)", "not stated": "commit 585c7565", "1.0": "v1.0, commit 00f37686"}[version]
        src = ("TensorRT-LLM performance overview, %s: trtllm-bench max throughput, %s %s, %s, %s GPUs (tp %s, ep %s); "
               "synthetic fixed lengths") % (label, r["model"], r["gpu"], r["precision"], n, r["tp"], r["ep"] or "-")
        date = {"1.2": "2026-03", "not stated": "2025-12", "1.0": "2025-09"}[version]
        out.append(dict(model=model, hardware=hw, gpus=n, precision=precision, engine="TensorRT-LLM " + ("1.2" if version == "1.2" else "1.0+" if version == "not stated" else "1.0"),
                        scenario="max-throughput", input_tokens=isl, output_tokens=osl, tokens_per_s_per_user=None,
                        ttft_s=None, output_tokens_per_s_per_gpu=round(per_gpu, 1), source=src, date=date))
    return out


def inferencex():
    out = []
    for r in csv.DictReader(open(os.path.join(SOURCES, "inferencex-points.csv"))):
        model, hw = IX_MODELS.get(r["model"]), IX_HARDWARE.get(r["hardware"].split(" (")[0])
        if not model or not hw:
            continue
        precision = "fp4" if r["precision"].startswith("FP4") else "fp8"
        if hw in ("MI300X", "MI325X") and precision == "fp4":
            continue  # MXFP4 weights computed at FP8 on CDNA3: the weight bytes would be wrong
        try:
            isl, osl = num(r["isl"].split(" ")[0]), num(r["osl"])
            y, u = num(r["output_tokens_per_s_per_gpu"]), num(r["tokens_per_s_per_user"])
        except ValueError:
            continue
        if model == "deepseek-r1" and hw == "H100":
            continue  # 671 GB of FP8 weights need two 8-GPU H100 nodes: serving across nodes is not modelled
        gpus = 8
        engine = "InferenceX frontier: " + r["engine"]
        src = "SemiAnalysis InferenceX, %s (%s); ISL varied 80-100%% of %d, mean input taken as 0.9 x %d" % (
            r["source"], r["gpu_count"], isl, isl)
        features = []
        if "MTP" in r["engine"]:
            features.append("speculative-decoding")
        if "disagg" in r["engine"].lower():
            features.append("disaggregated")
        if "best" in r["engine"] or not features:
            features.append("unstated-config")
        out.append(dict(model=model, hardware=hw, gpus=gpus, precision=precision, engine=engine[:120], features=features,
                        scenario="curve", input_tokens=round(0.9 * isl), output_tokens=osl, tokens_per_s_per_user=u,
                        ttft_s=None, output_tokens_per_s_per_gpu=y, source=src, date="2026-05"))
    return out


def main():
    ms = mlperf() + trtllm() + inferencex()
    lines = [
        "# Serving measurements: output tokens/s per GPU with the conditions they were taken at.",
        "# GENERATED by scripts/build-serving-catalog.py from datasets/catalog/sources/ (see its README):",
        "# MLPerf Inference v5.1 (closed), TensorRT-LLM's performance overview (max throughput, fixed",
        "# lengths), SemiAnalysis InferenceX frontier points (throughput against tokens/s per user).",
        "# Output tokens/s include processing the prompts in the same time (input_tokens per request).",
        "measurements:",
    ]
    for m in ms:
        fields = ["model: %s" % m["model"], "hardware: %s" % m["hardware"], "gpus: %d" % m["gpus"],
                  "precision: %s" % m["precision"], "engine: %s" % q(m["engine"]), "scenario: %s" % m["scenario"],
                  "input_tokens: %s" % fmt(m["input_tokens"]), "output_tokens: %s" % fmt(m["output_tokens"])]
        if m["tokens_per_s_per_user"] is not None:
            fields.append("tokens_per_s_per_user: %s" % fmt(round(m["tokens_per_s_per_user"], 4)))
        if m.get("features"):
            fields.append("features: [%s]" % ", ".join(m["features"]))
        if m.get("p99"):
            fields.append("latency_bound: p99")
        if m["ttft_s"] is not None:
            fields.append("ttft_s: %s" % fmt(m["ttft_s"]))
        fields.append("output_tokens_per_s_per_gpu: %s" % fmt(m["output_tokens_per_s_per_gpu"]))
        lines.append("  - {" + ", ".join(fields) + ",")
        lines.append("     source: %s, date: %s}" % (q(m["source"]), q(m["date"])))
    open(OUT, "w").write("\n".join(lines) + "\n")
    print("%d measurements -> %s" % (len(ms), os.path.relpath(OUT)))


if __name__ == "__main__":
    main()
