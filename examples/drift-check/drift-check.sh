#!/usr/bin/env bash
# Fails a pipeline job when OSS no longer holds the bucket encryption this stack recorded.
#
#   drift-check.sh [STACK]
#
# Exit 0: no drift. Non-zero: drift (the output names each changed property and its values) or an
# error. Preview only: the check itself never writes the state; repair with `pulumi up`, or accept
# the change with `pulumi refresh`.
set -euo pipefail

stack_args=()
if [ "$#" -gt 0 ]; then
  stack_args=(--stack "$1")
fi

# PULUMI_SKIP_CONFIRMATIONS (common in pipelines) implies --yes, which Pulumi refuses beside
# --preview-only; a preview needs no confirmation anyway.
env -u PULUMI_SKIP_CONFIRMATIONS \
  pulumi refresh --preview-only --expect-no-changes --diff --non-interactive "${stack_args[@]}"
