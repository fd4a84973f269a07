// Package deploy holds golive's deployment manifests (Kubernetes with
// kustomize, compose, Grafana, Prometheus, the GitHub App manifest) and a
// test that keeps them in agreement with the code.
package deploy

import _ "embed"

// AppManifest is the GitHub App manifest golive registers itself with.
//
//go:embed github-app.json
var AppManifest []byte
