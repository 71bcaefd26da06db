#!/usr/bin/env python3
"""Independent check of src/analytics/stats against numpy (and pandas).

Generates seeded random columns like those the analytics snapshot holds
(scores, stage indices, key-indicator flags, with NaN for missing values) and
computes what rongping::analytics must return for them, with numpy:

  n, mean, min, max   numpy.nanmean / nanmin / nanmax over the non-NaN values
  p25 median p75 p90  numpy.quantile(method="linear") (Hyndman & Fan type 7)
  percentile ranks    scipy.stats.percentileofscore(kind="mean") when scipy is
                      there, else its definition: 100 * (below + equal / 2) / n
  share               100 * mean of the non-NaN 1/0 flags

When pandas is importable its quantile and mean are checked against numpy's
first, so that the reference itself is cross-checked.

Usage:
  check_stats.py --write FIXTURE    write the cases and expected values as JSON
                                    (read by the GoogleTest case StatsFixture,
                                    given RONGPING_STATS_FIXTURE=FIXTURE)
  check_stats.py --driver PATH      run PATH (stats_driver) on the cases and
                                    compare; prints "N passed, N failed" and
                                    exits non-zero on any mismatch

Values agree when |expected - actual| <= 1e-12 * max(|expected|, |actual|,
scale), where scale is the largest |value| of the case for the mean and the
quantiles (the rounding of a sum is relative to its terms) and 0 for ranks and
shares. NaN (null in JSON) agrees only with NaN. In practice the quantiles,
ranks and shares agree to the bit and the mean within a few units in the last
place; the script reports how many fields were bit-identical.

numpy comes from Debian (python3-numpy; python3-pandas optional). When the
python3 running this script lacks numpy, it re-runs itself with /usr/bin/python3.
"""

import argparse
import json
import math
import os
import subprocess
import sys

try:
    import numpy as np
except ImportError:  # e.g. a pyenv python3 first on PATH
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and os.path.exists(
            "/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("check_stats: numpy is missing (apt-get install python3-numpy)")

try:
    import pandas as pd
except ImportError:
    pd = None

try:
    from scipy.stats import percentileofscore
except ImportError:
    percentileofscore = None

SEED = 20240611
CASES = 200
QUANTILES = [0.25, 0.5, 0.75, 0.9]
SUMMARY_FIELDS = ["mean", "min", "p25", "median", "p75", "p90", "max"]
TOLERANCE = 1e-12


def generate(rng, index):
    """One case: values (with NaN), rank queries, flags."""
    special = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 7, 7: 8}
    if index in special:
        n = special[index]
    elif index % 25 == 0:
        n = int(rng.integers(500, 3000))
    else:
        n = int(rng.integers(1, 80))
    kind = index % 6
    if kind == 0:
        values = rng.uniform(0, 100, n)  # scores
    elif kind == 1:
        values = rng.integers(0, 4, n).astype(float)  # stage indices: many ties
    elif kind == 2:
        values = np.round(rng.normal(55, 15, n), 1)  # rounded scores: some ties
    elif kind == 3:
        values = rng.normal(0, 1e3, n)  # mixed signs
    elif kind == 4:
        values = rng.lognormal(10, 2, n)  # money: wide range
    else:
        values = rng.uniform(-1e-9, 1e-9, n)  # tiny magnitudes
    nan_share = [0.0, 0.0, 0.1, 0.5][index % 4]
    if index == 9:
        nan_share = 1.0  # nothing present
    values[rng.random(n) < nan_share] = np.nan

    present = values[~np.isnan(values)]
    queries = [float(rng.uniform(-10, 110)), float("nan")]
    if present.size:
        lo, hi = float(present.min()), float(present.max())
        queries += [lo, hi, lo - 1.0, hi + 1.0, float(rng.choice(present)), (lo + hi) / 2]
    flags = rng.choice(np.array([0.0, 1.0, np.nan]), size=int(rng.integers(0, 40)),
                       p=[0.45, 0.45, 0.1])
    return values, queries, flags


def reference_quantiles(present):
    try:
        return np.quantile(present, QUANTILES, method="linear")
    except TypeError:  # numpy < 1.22
        return np.quantile(present, QUANTILES, interpolation="linear")


def percentile_rank(present, x):
    if math.isnan(x) or present.size == 0:
        return math.nan
    if percentileofscore is not None:
        return float(percentileofscore(present, x, kind="mean"))
    below = int(np.count_nonzero(present < x))
    equal = int(np.count_nonzero(present == x))
    return 100.0 * (below + 0.5 * equal) / present.size


def expected(values, queries, flags):
    present = values[~np.isnan(values)]
    out = {"n": int(present.size)}
    if present.size:
        q = reference_quantiles(present)
        out.update(mean=float(np.mean(present)), min=float(present.min()),
                   p25=float(q[0]), median=float(q[1]), p75=float(q[2]), p90=float(q[3]),
                   max=float(present.max()))
    else:
        out.update({f: math.nan for f in SUMMARY_FIELDS})
    out["ranks"] = [percentile_rank(present, x) for x in queries]
    f = flags[~np.isnan(flags)]
    out["share"] = 100.0 * float(np.sum(f)) / f.size if f.size else math.nan
    return out


def close(want, got, scale):
    want = math.nan if want is None else want
    got = math.nan if got is None else got
    if math.isnan(want) or math.isnan(got):
        return math.isnan(want) and math.isnan(got)
    return abs(want - got) <= TOLERANCE * max(abs(want), abs(got), scale)


def compare(want, got, values):
    """Returns (mismatched field names, fields compared, fields bit-identical)."""
    present = values[~np.isnan(values)]
    scale = float(np.max(np.abs(present))) if present.size else 0.0
    bad, compared, exact = [], 0, 0
    if want["n"] != got.get("n"):
        bad.append("n")
    pairs = [(f, want[f], got.get(f), scale) for f in SUMMARY_FIELDS]
    pairs.append(("share", want["share"], got.get("share"), 0.0))
    got_ranks = got.get("ranks") or []
    if len(got_ranks) != len(want["ranks"]):
        bad.append("ranks")
    else:
        pairs += [(f"ranks[{i}]", w, g, 0.0) for i, (w, g) in enumerate(zip(want["ranks"], got_ranks))]
    for name, w, g, s in pairs:
        compared += 1
        if not close(w, g, s):
            bad.append(f"{name}: want {w!r} got {g!r}")
        elif (w is None or g is None) or w == g or (math.isnan(w) and math.isnan(g)):
            exact += 1
    return bad, compared, exact


def cross_check_pandas(cases):
    """pandas must agree with numpy, or the reference itself is in doubt."""
    if pd is None:
        print("pandas: not installed, cross-check skipped")
        return 0
    bad = 0
    for i, (values, _, _, want) in enumerate(cases):
        s = pd.Series(values)
        if want["n"] == 0:
            continue
        scale = float(s.abs().max())
        got = dict(zip(["p25", "median", "p75", "p90"], s.quantile(QUANTILES).tolist()))
        got["mean"] = float(s.mean())
        for field, value in got.items():
            if not close(want[field], value, scale):
                bad += 1
                print(f"pandas disagrees with numpy: case {i} {field}: {want[field]!r} vs {value!r}")
    print(f"pandas {pd.__version__}: {'agrees with numpy' if bad == 0 else f'{bad} disagreements'}")
    return bad


def json_number(x):
    return None if isinstance(x, float) and math.isnan(x) else x


def to_json(values):
    return [json_number(float(v)) for v in values]


def build_cases(count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(count):
        values, queries, flags = generate(rng, i)
        cases.append((values, queries, flags, expected(values, queries, flags)))
    return cases


def write_fixture(path, cases):
    doc = {
        "generator": "tests/stats/check_stats.py",
        "numpy": np.__version__,
        "tolerance": TOLERANCE,
        "cases": [{
            "values": to_json(values),
            "queries": to_json(queries),
            "flags": to_json(flags),
            "expected": {k: (to_json(v) if k == "ranks" else json_number(v)) for k, v in want.items()},
        } for values, queries, flags, want in cases],
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, allow_nan=False)
    print(f"wrote {len(cases)} cases to {path}")


def run_driver(driver, cases):
    def line(values):
        return " ".join(repr(float(v)) for v in values)

    stdin = "".join(f"{line(v)} | {line(q)} | {line(f)}\n" for v, q, f, _ in cases)
    proc = subprocess.run([driver], input=stdin, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        print(f"driver exited with {proc.returncode}: {proc.stderr.strip()}")
        return None
    return [json.loads(l) for l in proc.stdout.splitlines() if l.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", metavar="FIXTURE", help="write the fixture JSON here")
    parser.add_argument("--driver", metavar="PATH", help="run this stats_driver and compare")
    parser.add_argument("--cases", type=int, default=CASES)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    if not args.write and not args.driver:
        parser.error("give --write FIXTURE and/or --driver PATH")

    cases = build_cases(args.cases, args.seed)
    failed = cross_check_pandas(cases)
    if args.write:
        write_fixture(args.write, cases)
    if args.driver:
        results = run_driver(args.driver, cases)
        if results is None or len(results) != len(cases):
            got = "no" if results is None else len(results)
            print(f"driver returned {got} results for {len(cases)} cases")
            print(f"0 passed, {len(cases)} failed")
            return 1
        passed, compared, exact = 0, 0, 0
        for i, ((values, _, _, want), got) in enumerate(zip(cases, results)):
            bad, c, e = compare(want, got, values)
            compared += c
            exact += e
            if bad:
                failed += 1
                print(f"case {i} (n={want['n']}): " + "; ".join(bad[:5]))
            else:
                passed += 1
        print(f"{exact} of {compared} fields bit-identical to numpy")
        print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
