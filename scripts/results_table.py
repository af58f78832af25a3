#!/usr/bin/python3
"""Markdown table of the runs under a results folder (scripts/results.sh)."""
import json
import pathlib
import sys


def fmt(v):
    return "-" if v is None else f"{v:.1f}"


def main(root):
    rows = []
    for summary in sorted(pathlib.Path(root).glob("*/summary.json")):
        s = json.loads(summary.read_text())
        o = s["options"]
        wall = summary.parent / "wall_seconds"
        t = {round(x["loss_pp"], 1): x for x in s["thresholds"]}
        cells = []
        for loss in (0.5, 0.6, 1.0):
            x = t.get(loss, {})
            lw, un = x.get("layerwise_saving_pct"), x.get("uniform_saving_pct")
            ratio = f"{lw / un:.1f}x" if lw is not None and un else ("inf" if lw and un == 0 else "-")
            cells += [fmt(lw), fmt(un), ratio]
        max_loss = o.get("max_loss")
        rows.append([pathlib.Path(o["model_path"]).stem, pathlib.Path(o["accelerator_path"]).stem, o["tune"],
                     f"{o['population']}x{o['generations']}", "-" if max_loss is None else f"{max_loss:g}",
                     f"{s['exact']['accuracy_test']:.2f}", *cells, str(s["evaluations"]),
                     f"{s['search_seconds']:.0f}" if "search_seconds" in s else "-",
                     f"{float(wall.read_text()):.0f}" if wall.exists() else "-"])
    head = ["model", "accelerator", "tune", "search", "max loss", "exact %", "LW 0.5", "U 0.5", "x", "LW 0.6",
            "U 0.6", "x", "LW 1", "U 1", "x", "evals", "search s", "wall s"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/results")
