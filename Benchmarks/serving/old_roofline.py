#!/usr/bin/env python3
"""The planner's throughput for an unmeasured pair before issue 28 (removed from the code), scored
against the same measurements as Benchmarks/serving/run.sh, for the before/after comparison in
docs/methods/serving.md. The formula, as CapacityPlanner.throughput had it: prefill at MFU 0.4 of
the dense peak at the measurement's precision, 2 x active parameters FLOPs per token; decode at
MBU 0.7 of HBM bandwidth with a batch of 64 sequences of 2,048 tokens, reading all weights (FP4
0.5, FP8 1 byte) and the batch's KV cache at the catalog's bytes per token; a request's output
rate is 1 / (input/output / prefill + 1 / decode). Run from the repository root; needs PyYAML."""
import math
import statistics

import yaml

measurements = yaml.safe_load(open("datasets/catalog/serving.yaml"))["measurements"]
models = yaml.safe_load(open("datasets/catalog/models-throughput.yaml"))["models"]
hardware = yaml.safe_load(open("datasets/catalog/hardware.yaml"))["hardware"]
hardware.update(yaml.safe_load(open("datasets/catalog/accelerators.yaml"))["accelerators"])
BYTES = {"fp4": 0.5, "fp8": 1, "bf16": 2}


def old_rate(x):
    model, h, p = models[x["model"]], hardware[x["hardware"]], x["precision"]
    tflops = h["peak_dense_tflops"].get(p) or h["peak_dense_tflops"]["bf16"]
    prefill = 0.4 * tflops * 1e12 / (2 * model["active_parameters_b"] * 1e9)
    step_bytes = model["total_parameters_b"] * 1e9 * BYTES[p] + 64 * 2048 * model["kv_bytes_per_token"]
    decode = 64 * 0.7 * h["hbm_tb_per_s"] * 1e12 / step_bytes
    return 1 / (x["input_tokens"] / x["output_tokens"] / prefill + 1 / decode)


def summary(label, points):
    ratios = [old_rate(x) / x["output_tokens_per_s_per_gpu"] for x in points]
    logs = [abs(math.log(r)) for r in ratios]
    print("%s: n %d, median predicted/measured %.3f, median error x%.2f, within 0.8-1.25x %.0f%%, within 2x %.0f%%, worst %.2f / %.2f" % (
        label, len(ratios), statistics.median(ratios), math.exp(statistics.median(logs)),
        100 * sum(0.8 <= r <= 1.25 for r in ratios) / len(ratios), 100 * sum(0.5 <= r <= 2 for r in ratios) / len(ratios),
        min(ratios), max(ratios)))


modelled = [x for x in measurements if not x.get("features")]
summary("old roofline, modelled points", modelled)
summary("old roofline, MLPerf", [x for x in modelled if x["source"].startswith("MLPerf")])
summary("old roofline, TensorRT-LLM", [x for x in modelled if x["source"].startswith("TensorRT")])
