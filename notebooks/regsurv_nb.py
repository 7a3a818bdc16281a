"""Glue between the regsurv notebooks and the project's Java API (io.regsurv.api.Notebook).

The notebooks read the gold Delta tables live: a JVM is started in this Python process with JPype,
regsurv's own jar opens the warehouse with Spark and Delta, and each query's (small, aggregated)
result comes back as JSON and becomes a pandas DataFrame. The plotting helpers draw survival
curves the way survminer does (confidence band, median marker, number-at-risk table).

Needs the built jars (``target/regsurv.jar`` and ``target/classpath.txt``: ``bin/regsurv`` builds
them on first use, or ``mvn -q -DskipTests package``) and Debian's python3-jpype, python3-pandas
and python3-matplotlib (``bin/setup`` installs them).
"""

import json
import os
import pathlib

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parent.parent
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
JPYPE_JAR = "/usr/share/java/org.jpype.jar"

# Colours of the exit causes, in the order the Java API lists them (io.regsurv.core.ExitCause):
# the same cause keeps the same colour in every figure.
CAUSE_PALETTE = ["#4C72B0", "#C44E52", "#DD8452", "#8C8C8C"]
OTHER_CAUSE_COLOUR = "#55A868"

_notebook = None

# Province names and some cohort labels are Chinese: fall back to a CJK font (Debian's
# fonts-wqy-microhei, installed by bin/setup) for the glyphs DejaVu Sans lacks (matplotlib >= 3.6).
plt.rcParams["font.family"] = ["DejaVu Sans", "WenQuanYi Micro Hei"]
plt.rcParams["figure.dpi"] = 100


FIGURES_ENV = "REGSURV_FIGURES"


def save(fig, name, dpi=80):
    """
    Writes ``fig`` to ``$REGSURV_FIGURES/<name>.png`` when that variable names a folder (bin/docs-figures
    sets it to docs/ to redraw the README's figures); does nothing otherwise. Returns the path or None.
    The PNG carries no software version, so an unchanged figure gives the same bytes.
    """
    folder = os.environ.get(FIGURES_ENV)
    if not folder:
        return None
    path = pathlib.Path(folder) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, metadata={"Software": None})
    return path


def default_warehouse():
    """The warehouse to open: $REGSURV_WAREHOUSE, else ./warehouse of the project (as made by bin/regsurv demo)."""
    return os.environ.get("REGSURV_WAREHOUSE") or str(ROOT / "warehouse")


def connect(warehouse=None, heap="2g"):
    """Starts the JVM (once per Python process) and opens the warehouse; returns the Java Notebook."""
    global _notebook
    import jpype

    warehouse = str(warehouse or default_warehouse())
    if not jpype.isJVMStarted():
        jar = ROOT / "target" / "regsurv.jar"
        classpath_file = ROOT / "target" / "classpath.txt"
        options_file = ROOT / "target" / "classes" / "regsurv" / "jvm-options.txt"
        for f in (jar, classpath_file, options_file):
            if not f.exists():
                raise FileNotFoundError(f"{f} is missing: build regsurv first (bin/regsurv --version, or mvn -q -DskipTests package)")
        classpath = [JPYPE_JAR, str(jar), *classpath_file.read_text().strip().split(os.pathsep)]
        jpype.startJVM(
            f"-Xmx{heap}",
            *options_file.read_text().split(),
            # Extra JVM options, as bin/regsurv takes them (e.g. -Xmx8g, or -XX:TieredStopAtLevel=1 for short sessions).
            *os.environ.get("REGSURV_JAVA_OPTS", "").split(),
            "-Dlog4j2.configurationFile=regsurv/log4j2.properties",
            "-Duser.timezone=UTC",
            classpath=classpath,
            convertStrings=True,
        )
    if _notebook is not None:
        _notebook.close()
    _notebook = jpype.JClass("io.regsurv.api.Notebook").open(warehouse)
    return _notebook


def exit_causes():
    """The exit causes of gold.cumulative_incidence, in their fixed order, from the Java API."""
    if _notebook is None:
        connect()
    return [str(c) for c in _notebook.exitCauses()]


def cause_colours():
    """Colour of each exit cause, keyed by the names the Java API returns."""
    causes = exit_causes()
    return {c: CAUSE_PALETTE[i] if i < len(CAUSE_PALETTE) else OTHER_CAUSE_COLOUR for i, c in enumerate(causes)}


def query(sql, **params):
    """Runs Spark SQL on the open warehouse and returns a DataFrame; ``:name`` in the SQL binds ``name=value``."""
    if _notebook is None:
        connect()
    answer = json.loads(str(_notebook.queryJson(sql, json.dumps(params, default=str) if params else None)))
    names = [c["name"] for c in answer["columns"]]
    frame = pd.DataFrame(answer["rows"], columns=names)
    for c in answer["columns"]:
        kind = c["type"]
        if kind in ("date", "timestamp", "timestamp_ntz"):
            frame[c["name"]] = pd.to_datetime(frame[c["name"]])
        elif kind in ("double", "float") or kind.startswith("decimal"):
            frame[c["name"]] = frame[c["name"]].astype(float)
        elif kind in ("bigint", "int", "smallint", "tinyint"):
            frame[c["name"]] = frame[c["name"]].astype("float" if frame[c["name"]].isna().any() else "int64")
    return frame


def latest_as_of(table="gold.survival_curve"):
    """The latest as-of date computed in a gold table, as YYYY-MM-DD text."""
    d = query(f"SELECT CAST(max(as_of_date) AS STRING) AS d FROM {table}")["d"].iloc[0]
    if d is None:
        raise ValueError(f"{table} is empty: run regsurv survival first")
    return d


def years(days):
    return np.asarray(days, dtype=float) / DAYS_PER_YEAR


def _percent_axis(ax, axis="y"):
    fmt = mticker.PercentFormatter(xmax=1.0, decimals=0)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def at_risk(curve, t_days):
    """Firms still at risk at t (survminer's number at risk): n_at_risk of the first curve time at or after t, else 0."""
    times = curve["time_days"].to_numpy()
    n = curve["n_at_risk"].to_numpy()
    i = np.searchsorted(times, t_days, side="left")
    if i >= len(times):
        return 0
    return int(n[i])


def km_plot(curves, summary=None, p_value=None, title="", max_years=None, risk_step_years=1.0, colours=None, legend_title=None):
    """
    Kaplan-Meier curves of a few cohorts (gold.survival_curve rows, one as-of date, one dimension)
    with their 95% confidence bands, the median marked (from gold.cohort_summary rows when given),
    the log-rank p-value in the legend and a number-at-risk table under the axis. Returns the figure.
    """
    cohorts = list(dict.fromkeys(curves["cohort"]))
    colours = colours or {c: plt.cm.tab10(i % 10) for i, c in enumerate(cohorts)}
    horizon = max_years or max(1.0, np.ceil(years(curves["time_days"].max())))
    ticks = np.arange(0, horizon + 1e-9, risk_step_years)

    fig = plt.figure(figsize=(10, 6.2 + 0.28 * len(cohorts)))
    grid = fig.add_gridspec(2, 1, height_ratios=[5.2, 0.45 + 0.3 * len(cohorts)], hspace=0.08)
    ax = fig.add_subplot(grid[0])
    table_ax = fig.add_subplot(grid[1], sharex=ax)

    medians = {}
    if summary is not None:
        medians = {r.cohort: (r.median_days, r.n_firms) for r in summary.itertuples()}
    for c in cohorts:
        k = curves[curves["cohort"] == c].sort_values("time_days")
        t = years(k["time_days"])
        label = str(c)
        if c in medians:
            m, n = medians[c]
            label += f"  (n = {int(n):,}; median " + ("not reached" if pd.isna(m) else f"{m / DAYS_PER_YEAR:.1f} y") + ")"
        ax.step(t, k["survival"], where="post", color=colours[c], lw=2, label=label)
        ax.fill_between(t, k["ci_lower"], k["ci_upper"], step="post", color=colours[c], alpha=0.15, lw=0)
        if c in medians and not pd.isna(medians[c][0]):
            m = medians[c][0] / DAYS_PER_YEAR
            ax.plot([m, m], [0, 0.5], ls=":", color=colours[c], lw=1.3)
            ax.plot([m], [0.5], marker="o", color=colours[c], ms=6)
    ax.axhline(0.5, ls=":", color="grey", lw=1)
    ax.text(horizon, 0.505, "median: half the firms have exited ", ha="right", va="bottom", fontsize=9, color="dimgrey")
    # Down to just below the 50 % line (or lower if a band goes there): the median line stays in view
    # and curves that stay high are not squashed into the top of the plot.
    low = min(0.45, np.nanmin(curves["ci_lower"].to_numpy(dtype=float)) - 0.05) if len(curves) else 0.45
    ax.set_ylim(max(0.0, np.floor(low * 10) / 10), 1.02)
    ax.set_xlim(0, horizon)
    _percent_axis(ax)
    ax.set_ylabel("Firms still registered (survival S(t))", fontsize=11)
    ax.grid(alpha=0.3)
    ax.set_title(title, fontsize=13, loc="left")
    plt.setp(ax.get_xticklabels(), visible=False)
    head = legend_title or ""
    if p_value is not None and not pd.isna(p_value):
        head = (head + "\n" if head else "") + "Log-rank test: " + ("p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}")
    ax.legend(title=head or None, loc="lower left", fontsize=9.5, title_fontsize=10, framealpha=0.9)

    # Number at risk: one row per cohort, survminer style, under the time axis.
    for row, c in enumerate(cohorts):
        k = curves[curves["cohort"] == c].sort_values("time_days")
        y = len(cohorts) - 1 - row
        last = k["time_days"].max()
        for tk in ticks:
            if tk * DAYS_PER_YEAR > last:
                continue  # not observed that long: blank, as survminer leaves it
            ha = "left" if tk == ticks[0] else "right" if tk == ticks[-1] else "center"
            table_ax.text(tk, y, f"{at_risk(k, tk * DAYS_PER_YEAR):,}", ha=ha, va="center", fontsize=8.5, color=colours[c])
    table_ax.set_ylim(-0.6, len(cohorts) - 0.4)
    table_ax.set_yticks(range(len(cohorts)))
    table_ax.set_yticklabels([str(c) for c in reversed(cohorts)], fontsize=8.5)
    for lab, c in zip(table_ax.get_yticklabels(), reversed(cohorts)):
        lab.set_color(colours[c])
    table_ax.set_xticks(ticks)
    table_ax.tick_params(axis="y", length=0, pad=8)
    for s in ("top", "right", "left"):
        table_ax.spines[s].set_visible(False)
    table_ax.set_xlabel("Years since establishment", fontsize=11)
    table_ax.set_title("Number of firms at risk", fontsize=9.5, loc="left", color="dimgrey")
    fig.subplots_adjust(left=0.2, right=0.97, top=0.93, bottom=0.08)
    return fig


def on_grid(frame, value, t_days):
    """A step function (time_days, value) read at the times t_days (last value at or before each; 0 before the first)."""
    f = frame.sort_values("time_days")
    idx = np.searchsorted(f["time_days"].to_numpy(), t_days, side="right") - 1
    vals = f[value].to_numpy()
    return np.where(idx >= 0, vals[np.clip(idx, 0, None)], 0.0)


def stacked_incidence(ax, incidence, horizon_days, title=""):
    """Stacked cumulative incidence of each exit cause (gold.cumulative_incidence rows of one cohort)."""
    grid = np.linspace(0, horizon_days, 400)
    layers, labels, colours = [], [], []
    causes, cause_colour = exit_causes(), cause_colours()
    for cause in causes + sorted(set(incidence["cause"]) - set(causes)):
        part = incidence[incidence["cause"] == cause]
        if part.empty:
            continue
        layers.append(on_grid(part, "cumulative_incidence", grid))
        labels.append(cause)
        colours.append(cause_colour.get(cause, OTHER_CAUSE_COLOUR))
    if layers:
        ax.stackplot(years(grid), *layers, labels=labels, colors=colours, alpha=0.85, step="post")
        total = np.sum(layers, axis=0)
        ax.plot(years(grid), total, color="black", lw=1)
        ax.annotate(f"all causes: {total[-1]:.0%}", (years(grid)[-1], total[-1]), xytext=(-4, 6),
                    textcoords="offset points", ha="right", fontsize=9)
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_xlabel("Years since establishment", fontsize=10)
    ax.set_xlim(0, years(horizon_days))
    _percent_axis(ax)
    ax.grid(alpha=0.3)
    return ax


def forest_plot(terms, fit=None, title="", ax=None):
    """
    Forest plot of a Cox model's hazard ratios (rows of gold.hazard_ratio: covariate, level, hazard_ratio,
    hr_lower, hr_upper, p_value): one line per term with its confidence interval on a log axis, a reference
    line at 1 (the reference level's hazard), terms grouped by covariate. ``fit``: the gold.cox_fit row, for
    the caption (firms, exits, concordance). Returns the figure.
    """
    terms = terms.reset_index(drop=True)
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 0.32 * len(terms) + 1.6))
    else:
        fig = ax.figure
    y = np.arange(len(terms))[::-1]
    colours = {c: plt.cm.tab10(i % 10) for i, c in enumerate(dict.fromkeys(terms["covariate"]))}
    for yi, (_, t) in zip(y, terms.iterrows()):
        colour = colours[t["covariate"]]
        ax.plot([t["hr_lower"], t["hr_upper"]], [yi, yi], color=colour, lw=1.6)
        ax.plot([t["hazard_ratio"]], [yi], marker="s", color=colour, ms=5)
    ax.axvline(1.0, color="black", lw=0.8, ls="--")
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(mticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    labels = [f"{t['covariate']}: {t['level']}" if pd.notna(t["level"]) else t["covariate"] for _, t in terms.iterrows()]
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    ax.set_ylim(-0.7, len(terms) - 0.3)
    ax.set_xlabel("hazard ratio of exit (vs the covariate's reference level), log scale")
    ax.grid(axis="x", which="both", alpha=0.25)
    if fit is not None:
        caption = f"{int(fit['n']):,} firms, {int(fit['n_events']):,} exits"
        if fit.get("concordance") is not None and not pd.isna(fit.get("concordance")):
            caption += f", concordance {fit['concordance']:.3f}"
        ax.text(0.99, 0.01, caption, transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="0.35")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
