# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The RIAC dataset: an overview
#
# Articles per month, top authors, ratings, polls over time and the
# English/Russian pairs, from the Parquet datasets that `riac crawl` writes.
# Each analysis is a pandas one-liner or close; one cell shows the same in
# DuckDB and polars. Plots are saved as PNG files next to the notebook.
#
# Open it with `jupytext --to ipynb notebooks/overview.py` (or the jupytext
# Jupyter extension); its dependencies: `pip install 'riac-scraper[notebooks]'`.

# %% tags=["parameters"]
DATASETS = "../output"  # the dataset directory, from this folder (RIAC_DATASETS overrides it)
FIGURES = "."  # where the PNG files go (RIAC_FIGURES overrides it)

# %%
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator

datasets = Path(os.environ.get("RIAC_DATASETS", DATASETS))
figures = Path(os.environ.get("RIAC_FIGURES", FIGURES))
figures.mkdir(parents=True, exist_ok=True)

articles = pd.read_parquet(datasets / "articles")
authors = pd.read_parquet(datasets / "authors")
polls = pd.read_parquet(datasets / "polls")
failures = pd.read_parquet(datasets / "failures")
print(f"{len(articles)} articles, {len(authors)} author entries, {polls.poll_id.nunique()} polls")
print(f"{len(failures)} failures")


def short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def save(fig: plt.Figure, name: str) -> None:
    fig.tight_layout()
    fig.savefig(figures / f"{name}.png", dpi=100)
    plt.close(fig)


# %% [markdown]
# ## Articles per month, by section and language

# %%
per_month = articles.groupby([articles.published.dt.to_period("M"), "section", "lang"], observed=True).size()
per_month

# %%
fig, ax = plt.subplots(figsize=(9, 4))
table = per_month.unstack(["section", "lang"], fill_value=0).rename(index=str)
table.plot(kind="bar", stacked=True, ax=ax, colormap="tab20")  # 20 colours: no two series share one
ax.yaxis.set_major_locator(MaxNLocator(integer=True))
ax.set(xlabel="month", ylabel="articles", title="Articles per month, by section and language")
ax.legend(title="section, language", bbox_to_anchor=(1.01, 1), loc="upper left", fontsize="small")  # beside the bars
save(fig, "articles_per_month")

# %% [markdown]
# ## Top authors, one person across both languages

# %%
by_author = articles[["article_id", "authors"]].explode("authors").dropna()
by_author["author_id"] = by_author.authors.str["author_id"]
people = (
    by_author.merge(authors, on="author_id")
    .groupby("person_id")
    .agg(articles=("article_id", "nunique"), names=("name", lambda names: " / ".join(sorted(set(names)))))
)
top = people.nlargest(10, "articles")
top

# %%
fig, ax = plt.subplots(figsize=(8, 4))
top.set_index("names").articles.sort_values().plot(kind="barh", ax=ax)
ax.xaxis.set_major_locator(MaxNLocator(integer=True))
ax.set(xlabel="articles", ylabel="", title="Top authors (English and Russian counted once)")
save(fig, "top_authors")

# %% [markdown]
# ## Ratings

# %%
articles.rating_value.describe()

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
articles.rating_value.dropna().plot(kind="hist", bins=8, range=(1, 5), ax=ax)
ax.set(xlabel="average rating", ylabel="articles", title=f"Rating distribution ({articles.rating_votes.sum()} votes)")
save(fig, "ratings")

# %% [markdown]
# ## Polls over time
#
# One snapshot per poll per crawl; `option_id` follows an option through reorderings.

# %%
latest = polls[polls.observed_at == polls.groupby("poll_id").observed_at.transform("max")]
latest[["lang", "question", "option", "votes", "percent"]]

# %%
# One panel per poll, one line per option, the snapshot dates on the x axis.
shown = polls.groupby("poll_id").observed_at.nunique().sort_values(ascending=False).index[:6]
fig, axes = plt.subplots(len(shown), 1, figsize=(9, 2.6 * len(shown)), squeeze=False)
for ax, poll_id in zip(axes[:, 0], shown, strict=True):
    poll = polls[polls.poll_id == poll_id].sort_values("observed_at")
    unlabeled = "option " + (poll.option_index + 1).astype(str) + " (no label)"
    for label, option in poll.groupby(poll.option.fillna(unlabeled), sort=False):
        ax.plot(option.observed_at, option.votes, marker="o", label=short(label, 45))
    ax.set_title(f"{short(poll.question.iloc[0], 60)} ({poll.lang.iloc[0]})", fontsize="medium")
    ax.set(ylabel="votes")
    dates = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(dates)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(dates))
    ax.legend(bbox_to_anchor=(1.01, 1), loc="upper left", fontsize="small")
fig.suptitle(f"Votes per option at each snapshot ({polls.poll_id.nunique()} polls, {len(shown)} shown)")
save(fig, "polls_over_time")

# %% [markdown]
# ## English/Russian pairs

# %%
pairs = articles.merge(articles, left_on="translation_url", right_on="url", suffixes=("", "_other"))
pairs = pairs[pairs.lang == "en"][["title", "title_other", "section"]]
print(f"{len(pairs)} articles in both languages")
pairs

# %%
# The same rule as the table: an article whose translation link names a stored article.
both = articles.translation_url.isin(articles.url).map({True: "with the other version", False: "without"})
counts = articles.assign(both=both).groupby(["lang", "both"], observed=True).size().unstack(fill_value=0)
assert counts.loc["en"].get("with the other version", 0) == len(pairs)  # the plot says what the table says
fig, ax = plt.subplots(figsize=(7, 3.5))
counts.plot(kind="bar", stacked=True, ax=ax)
for container in ax.containers:
    ax.bar_label(container, label_type="center")
ax.set(xlabel="language", ylabel="articles", title="Articles with a version in the other language")
ax.legend(bbox_to_anchor=(1.01, 1), loc="upper left")
save(fig, "pairs")

# %% [markdown]
# ## The same in DuckDB and polars

# %%
import duckdb
import polars as pl

glob = str(datasets / "articles" / "*" / "*.parquet")
in_duckdb = duckdb.sql(
    f"SELECT date_trunc('month', published) AS month, section, lang, count(*) AS articles "
    f"FROM read_parquet('{glob}', hive_partitioning = true) GROUP BY ALL ORDER BY ALL"
).df()
in_polars = (
    pl.read_parquet(glob, hive_partitioning=True)
    .group_by(pl.col("published").dt.truncate("1mo").alias("month"), "section", "lang")
    .len()
    .sort("month", "section", "lang")
)
assert in_duckdb.articles.sum() == in_polars["len"].sum() == per_month.sum() == len(articles)
in_polars
