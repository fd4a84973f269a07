package e2e

import "testing"

// long marks a long scenario (kill, storm, faults, nothing lost): skipped
// under -short, which CI's main test step uses; CI runs them in their own
// step (go test -run '^TestScenario' ./internal/cli/, see .ci/run). They
// run in parallel with each other: each has its own Redis keys (or
// server) and its own fake GitHub, and they mostly wait.
func long(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("long scenario: skipped with -short; CI runs it in its own step")
	}
	t.Parallel()
}
