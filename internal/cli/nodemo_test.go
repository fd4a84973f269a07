package cli

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The binary the release image runs (built with -tags nodemo, as the
// Dockerfile does) carries no test fake: not the fake GitHub, not its
// OpenAPI checker, not the embedded Redis. The default build, which
// `go run ./cmd/golive demo` uses, still has them all.
func TestReleaseBuildCarriesNoFakes(t *testing.T) {
	t.Parallel()
	fakes := []string{"github.com/ag06mixer/golive/internal/githubfake", "github.com/getkin/kin-openapi/openapi3", "github.com/alicebob/miniredis/v2"}
	deps := func(tags ...string) string {
		t.Helper()
		args := append([]string{"list", "-deps"}, tags...)
		out, err := exec.Command("go", append(args, "../../cmd/golive")...).CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		return "\n" + string(out)
	}
	release, demo := deps("-tags", "nodemo"), deps()
	for _, f := range fakes {
		if strings.Contains(release, "\n"+f+"\n") {
			t.Errorf("the release build links %s", f)
		}
		if !strings.Contains(demo, "\n"+f+"\n") {
			t.Errorf("the default build lost %s: the check looks for the wrong names", f)
		}
	}
	docker, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(docker), "go build -tags nodemo") {
		t.Error("the Dockerfile does not build the release binary with -tags nodemo")
	}
}
