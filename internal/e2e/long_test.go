package e2e

import (
	"os"
	"strings"
	"testing"
)

// longPrefix starts the name of every long test: CI's long step runs
// them with -run '^TestScenario' (see .ci/run), so a test that is long
// by any other name would run nowhere.
const longPrefix = "TestScenario"

// long marks a long test: one that plays the whole demo, waits out a
// probe's 10-second interval, kills processes or floods a release. They
// run only when GOLIVE_TEST_LONG=1 and not under -short, so that `go test
// ./...` stays quick; CI runs them in their own step, and `make
// test-long` runs them by hand. A long test must be named TestScenario…,
// or it fails: CI's long step finds them by that name.
func long(t *testing.T) {
	t.Helper()
	if top, _, _ := strings.Cut(t.Name(), "/"); !strings.HasPrefix(top, longPrefix) {
		t.Fatalf("%s is long but not named %s…: CI's long step (-run '^%s') would never run it", top, longPrefix, longPrefix)
	}
	if testing.Short() || os.Getenv("GOLIVE_TEST_LONG") != "1" {
		t.Skip("long test: set GOLIVE_TEST_LONG=1 to run it (CI runs it in its own step)")
	}
}
