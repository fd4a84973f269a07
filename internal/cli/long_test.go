package cli

import "testing"

// long skips a long scenario under -short. CI runs them in their own
// step: go test -run '^TestScenario' ./internal/cli/ (see .ci/run).
func long(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("long scenario: skipped with -short; CI runs it in its own step")
	}
}
