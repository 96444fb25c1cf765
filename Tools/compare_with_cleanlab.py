#!/usr/bin/env python3
"""Compare Example-Audit's label-noise signals with cleanlab's on the same out-of-sample
probabilities.

Reads label-audit.csv (written by Example-Audit: given label, known clean label, our signals and
the p_<class> columns, the out-of-sample distribution of each training image) and runs
cleanlab.filter.find_label_issues and cleanlab.rank.get_label_quality_scores on
(given labels, probabilities). Against the labels known to be wrong (injected noise) it reports,
for each ranking, the AUROC (probability that a wrong label ranks above a right one, ties half),
the same within each given class (beyond what the class composition alone tells), and precision@k (k = the number of wrong labels; ties broken by sample index, as the audit does),
and for each cleanlab filter the size, precision and recall of its flagged set.

    python3 -m venv .venv-cl && .venv-cl/bin/pip install cleanlab
    .venv-cl/bin/python Tools/compare_with_cleanlab.py runs/built-in-rafdb-audit/label-audit.csv
"""
import argparse
import csv
import json
import os
import sys

import numpy as np


def read_audit(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"{path}: no rows")
    classes = [name[2:] for name in rows[0].keys() if name.startswith("p_") and name != "p_given_label"]
    if not classes:
        sys.exit(f"{path}: no p_<class> columns; re-run Example-Audit (it writes them since the cleanlab comparison)")
    index_of = {c: i for i, c in enumerate(classes)}
    rows.sort(key=lambda r: int(r["index"]))
    try:
        probs = np.array([[float(r["p_" + c]) for c in classes] for r in rows])
        labels = np.array([index_of[r["given_label"]] for r in rows])
    except (ValueError, KeyError) as error:
        sys.exit(f"{path}: unreadable row ({error})")
    if np.isnan(probs).any():
        sys.exit(f"{path}: NaN among the probabilities; the audit's models diverged")
    if any(r["label_is_noisy"] == "" for r in rows):
        sys.exit(f"{path}: the clean labels are unknown (no injected noise), nothing to score against")
    noisy = np.array([r["label_is_noisy"] == "1" for r in rows])

    def column(name, transform):
        values = [r[name] for r in rows]
        return None if any(v == "" for v in values) else np.array([transform(float(v)) for v in values])

    ours = {
        "ours: 1 - p'(given label)": column("p_given_label", lambda v: 1 - v),
        "ours: noise variance of the given label": column("noise_variance_given_label", lambda v: v),
        "ours: 1 - CLD centre confidence": column("centre_confidence_given_label", lambda v: 1 - v),
    }
    return classes, labels, probs, noisy, {k: v for k, v in ours.items() if v is not None}


def auroc(score, noisy):
    """P(score of a wrong label > score of a right one), ties counted half (Mann-Whitney)."""
    from scipy.stats import rankdata
    ranks = rankdata(score)  # average ranks for ties
    n_pos, n_neg = noisy.sum(), (~noisy).sum()
    return (ranks[noisy].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def auroc_within_classes(score, noisy, labels):
    """AUROC within each given class, averaged with weights = wrong x right pairs of the class
    (classes holding only right or only wrong labels drop out): how well a ranking tells wrong
    from right labels that carry the same given label, i.e. beyond the class composition."""
    total, weight = 0.0, 0
    for c in np.unique(labels):
        mask = labels == c
        n_pos, n_neg = noisy[mask].sum(), (~noisy[mask]).sum()
        if n_pos and n_neg:
            total += auroc(score[mask], noisy[mask]) * n_pos * n_neg
            weight += n_pos * n_neg
    return total / weight if weight else float("nan")


def precision_at_k(score, noisy, k):
    order = sorted(range(len(score)), key=lambda i: (-score[i], i))
    return noisy[order[:k]].mean()


def check_against_swift(audit_csv, results, k):
    """The audit's own figures (label-audit-summary.json beside the CSV) must be what this script
    recomputes for the same signal: a check of both implementations and of the CSV's columns."""
    summary_path = os.path.join(os.path.dirname(os.path.abspath(audit_csv)), "label-audit-summary.json")
    if not os.path.exists(summary_path):
        print(f"\n(no {summary_path}: the audit's own figures are not cross-checked)")
        return
    with open(summary_path) as f:
        summary = json.load(f)
    ours = results["rankings"]["ours: 1 - p'(given label)"]
    pairs = [("auroc 1 - p(given label)", ours["auroc"]), ("precision_at_k", ours["precision_at_k"])]
    if "known_wrong_labels" in summary and int(summary["known_wrong_labels"]) != k:
        sys.exit(f"{summary_path}: {summary['known_wrong_labels']} known wrong labels, the CSV has {k}")
    for key, value in pairs:
        if key in summary and abs(float(summary[key]) - value) > 1e-9:
            sys.exit(f"{summary_path}: {key} = {summary[key]}, recomputed from the CSV: {value}")
    print(f"\nThe audit's own AUROC and precision@{k} ({summary_path}) match the recomputed ones.")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("audit_csv")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()

    import cleanlab
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    classes, labels, probs, noisy, ours = read_audit(args.audit_csv)
    k = int(noisy.sum())
    print(f"{args.audit_csv}: {len(labels)} labels, {k} known wrong ({k / len(labels):.1%}), {len(classes)} classes; cleanlab {cleanlab.__version__}")

    rankings = dict(ours)
    for method in ["self_confidence", "normalized_margin", "confidence_weighted_entropy"]:
        # cleanlab's quality is high for good labels: suspicion is its negative.
        rankings[f"cleanlab: get_label_quality_scores({method})"] = -get_label_quality_scores(labels, probs, method=method)

    results = {"labels": int(len(labels)), "known_wrong": k, "cleanlab_version": cleanlab.__version__, "rankings": {}, "filters": {}}
    print(f"\n| ranking | AUROC | AUROC within given class | precision@{k} |\n|---|---|---|---|")
    for name, score in rankings.items():
        a, w, p = auroc(score, noisy), auroc_within_classes(score, noisy, labels), precision_at_k(score, noisy, k)
        results["rankings"][name] = {"auroc": a, "auroc_within_given_class": w, "precision_at_k": p}
        print(f"| {name} | {a:.3f} | {w:.3f} | {p:.3f} |")
    print(f"| random | 0.500 | 0.500 | {k / len(labels):.3f} |")

    print("\n| cleanlab find_label_issues filter | flagged | precision | recall |\n|---|---|---|---|")
    for filter_by in ["prune_by_noise_rate", "prune_by_class", "both", "confident_learning", "predicted_neq_given"]:
        flagged = find_label_issues(labels, probs, filter_by=filter_by, n_jobs=1)
        n = int(flagged.sum())
        precision = float(noisy[flagged].mean()) if n else float("nan")
        recall = float((flagged & noisy).sum() / k)
        results["filters"][filter_by] = {"flagged": n, "precision": precision, "recall": recall}
        print(f"| {filter_by} | {n} | {precision:.3f} | {recall:.3f} |")

    check_against_swift(args.audit_csv, results, k)

    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"\nWrote {args.json}")


if __name__ == "__main__":
    main()
