package githubapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/githubapi"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
)

// TestConfigPRReads: FileAt reads a file at a commit, nil when absent,
// and does not decode one over its cap (its size comes from the answer's
// metadata); ReleaseIssuesNewest walks the tracking issues newest first
// with their comments and stops when told. With a person's token, as
// golive simulate reads.
func TestConfigPRReads(t *testing.T) {
	f := newFake(t)
	rp := f.AddRepo("o", "r")
	f.Do(func(map[string]*githubfake.Repo) {
		rp.FilesAt = map[string]map[string]string{"abc": {".github/golive.yml": "version: 1\n" + strings.Repeat("#", 100)}}
		for n := 1; n <= 4; n++ {
			rp.Issues = append(rp.Issues, &githubfake.Issue{Number: n, Title: "t", State: "closed", Labels: []string{release.IssueLabel}})
			rp.Comments = append(rp.Comments, &githubfake.Comment{ID: int64(n), Issue: n, Body: strings.Repeat("c", n)})
		}
		rp.Issues = append(rp.Issues, &githubfake.Issue{Number: 5, Title: "other", State: "open"})
	})
	in, err := githubapi.NewTokenReader(f.URL(), "ghp_reader")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if def, err := in.DefaultBranch(ctx, "o", "r"); err != nil || def != "main" {
		t.Errorf("default branch %q, %v", def, err)
	}
	data, size, err := in.FileAt(ctx, "o", "r", ".github/golive.yml", "abc", 1000)
	if err != nil || size != 111 || string(data) != "version: 1\n"+strings.Repeat("#", 100) {
		t.Errorf("FileAt: %q %d %v", data, size, err)
	}
	if data, size, err := in.FileAt(ctx, "o", "r", ".github/golive.yml", "abc", 50); err != nil || data != nil || size != 111 {
		t.Errorf("FileAt over the cap: %q %d %v, want nil and the size", data, size, err)
	}
	if data, size, err := in.FileAt(ctx, "o", "r", ".github/golive.yml", "def", 1000); err != nil || data != nil || size != 0 {
		t.Errorf("FileAt of a missing file: %q %d %v", data, size, err)
	}
	var seen []int
	var bodies []string
	err = in.ReleaseIssuesNewest(ctx, "o", "r", func(n int, bs []string) bool {
		seen = append(seen, n)
		bodies = append(bodies, bs...)
		return len(seen) < 3
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{4, 3, 2}, seen); d != "" || !cmp.Equal(bodies, []string{"cccc", "ccc", "cc"}) {
		t.Errorf("issues (-want +got):\n%s\nbodies %v", d, bodies)
	}
	if n := f.Count("GET /repos/{owner}/{repo}/issues/{issue_number}/comments"); n != 3 {
		t.Errorf("read the comments of %d issues, want 3", n)
	}
}
