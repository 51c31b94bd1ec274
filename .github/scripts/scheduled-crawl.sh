#!/usr/bin/env bash
# One scheduled crawl, as .github/workflows/crawl.yml runs it (and as
# tests/test_scheduled.py runs it locally).
#
# The crawl's whole state lives in $RIAC_STATE (default: state/): the datasets
# and archives in output/, the job directory in job/. The workflow restores it
# before this script and saves it after, so that an incremental crawl sees the
# stored articles and a crawl cut by RIAC_TIME_LIMIT (CLOSESPIDER_TIMEOUT)
# resumes where it stopped. The exit status is the crawl's verdict, or riac
# verify's when the crawl passed and the check did not; on GitHub
# Actions the crawl report is also appended, as Markdown, to the job summary.
#
# Environment: RIAC_STATE, RIAC_TIME_LIMIT (seconds), RIAC_BASE_URL (a mirror;
# default: the live site), RIAC_SECTIONS, RIAC_LANG, RIAC_FULL (true/false),
# RIAC (the riac command; default: .venv/bin/riac).
set -euo pipefail

state="${RIAC_STATE:-state}"
mkdir -p "$state"
args=(crawl --output "$state/output"
      -s "JOBDIR=$state/job"
      -s "CLOSESPIDER_TIMEOUT=${RIAC_TIME_LIMIT:-19800}"
      -s "LOG_LEVEL=${RIAC_LOG_LEVEL:-INFO}")
if [[ -n "${RIAC_BASE_URL:-}" ]]; then args+=(-a "base_url=$RIAC_BASE_URL"); fi
if [[ -n "${RIAC_SECTIONS:-}" ]]; then args+=(-a "sections=$RIAC_SECTIONS"); fi
if [[ -n "${RIAC_LANG:-}" ]]; then args+=(-a "lang=$RIAC_LANG"); fi
if [[ "${RIAC_FULL:-false}" == "true" ]]; then args+=(-a "full=1"); fi

riac="${RIAC:-.venv/bin/riac}"
status=0
"$riac" "${args[@]}" || status=$?
# the integrity check before the state is saved: every row's archive record, no staging left, the lock free
if [[ -d "$state/output" ]]; then
  verified=0
  "$riac" verify "$state/output" --jobdir "$state/job" || verified=$?
  if [[ $status -eq 0 ]]; then status=$verified; fi
fi
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  "$riac" report "$state/output" >> "$GITHUB_STEP_SUMMARY" || echo "the job summary could not be written" >&2
fi
exit "$status"
