#!/usr/bin/env bash
# A release split over Kubernetes Jobs (docs/ci-engines.md). 'build plan --format k8s' writes
# Indexed Jobs whose pods each run one shard of the variants of one architecture
# (--shard $JOB_COMPLETION_INDEX/N), then Jobs for publishing and for the release's document.
# Kubernetes does not order Jobs, so this applies them stage by stage and waits in between.
#
# Needs: an image with the repository, a JDK 17 and QEMU (--image), a service account 'build'
# (with IRSA or workload identity: OIDC, no keys), an optional Secret 'build-env' (credentials,
# GNUPGHOME, ...), nodes with the KubeVirt device plugin for /dev/kvm, and a storage_url every pod
# reaches (s3://, gs://, oci://, or file:// on a ReadWriteMany volume baked into your image's pod spec).
# Usage: examples/ci/k8s/release.sh IMAGE [build options, e.g. --only 3.24 aws]
set -euo pipefail
image=$1
shift
jobs=$(mktemp)
./build plan --format k8s --image "$image" "$@" > "$jobs"
# every Job with the label is Complete (0), or one Failed (1): a failure stops the release at once
wait_for() {
    local states
    while :; do
        states=$(kubectl get job -l "$1" -o \
            jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.status=="True")].type}{"\n"}{end}')
        if grep -q '=.*Failed' <<< "$states"; then
            echo "$states" >&2
            return 1
        fi
        grep -vq '=.*Complete' <<< "$states" || return 0
        sleep 20
    done
}

for stage in variants publish after; do
    selector="build.cloudimages.dev/stage=$stage"
    kubectl delete job -l "$selector" --ignore-not-found
    grep -q "build.cloudimages.dev/stage: $stage\$" "$jobs" || continue # e.g. nothing to publish
    kubectl apply -f "$jobs" -l "$selector"
    wait_for "$selector"
done
# the document is the pod's stdout; its log lines (stderr) start with a timestamp
kubectl logs job/build-state | grep -v '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T' > build-state.json
