// Package kubernetes is the recipe for buildkitd workers on a Kubernetes
// cluster (buildkitd.yaml) and the matching workers: block of
// dockyard.yaml (workers.yaml); it has no code, and its test checks that
// the manifests decode strictly and agree with each other.
package kubernetes
