// Package deploy holds golive's deployment manifests (Kubernetes with
// kustomize, compose, Grafana, Prometheus, the GitHub App manifest) and a
// test that keeps them in agreement with the code.
package deploy
