package cli

import (
	"testing"

	"github.com/ag06mixer/golive/internal/githubfake"
)

// loadSpec loads GitHub's OpenAPI description (once per test binary).
func loadSpec(t testing.TB) *githubfake.Spec {
	t.Helper()
	s, err := githubfake.LoadSpec("../../testdata/openapi/api.github.com.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
