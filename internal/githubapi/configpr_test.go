package githubapi_test

import (
	"context"
	"fmt"
	"slices"
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

// TestReleaseIssuesNewestReadsGolivesOwn: as the App (the config PR's
// check), a simulation reads only the tracking issues golive opened and
// the comments golive wrote, so receipts someone pasted (genuine old ones
// too) cannot choose the releases it replays; and it walks at most 50
// issues, however many the repository holds.
func TestReleaseIssuesNewestReadsGolivesOwn(t *testing.T) {
	f := newFake(t)
	rp := f.AddRepo("o", "r")
	f.Do(func(map[string]*githubfake.Repo) {
		for n := 1; n <= 80; n++ {
			rp.Issues = append(rp.Issues, &githubfake.Issue{Number: n, Title: "t", State: "closed", Labels: []string{release.IssueLabel}, Author: githubfake.BotLogin})
			rp.Comments = append(rp.Comments, &githubfake.Comment{ID: int64(1000 + n), Issue: n, Body: fmt.Sprintf("golive %d", n), Author: githubfake.BotLogin},
				&githubfake.Comment{ID: int64(2000 + n), Issue: n, Body: fmt.Sprintf("pasted %d", n), Author: "mallory"})
		}
		rp.Issues = append(rp.Issues, &githubfake.Issue{Number: 81, Title: "t", State: "open", Labels: []string{release.IssueLabel}, Author: "mallory"})
		rp.Comments = append(rp.Comments, &githubfake.Comment{ID: 3081, Issue: 81, Body: "golive 81", Author: githubfake.BotLogin})
	})
	app, _ := githubapi.New(githubapi.Config{BaseURL: f.URL()})
	in, _ := app.For(1)
	var issues []int
	var bodies []string
	err := in.ReleaseIssuesNewest(context.Background(), "o", "r", func(n int, bs []string) bool {
		issues = append(issues, n)
		bodies = append(bodies, bs...)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) != 50 || slices.Contains(issues, 81) {
		t.Errorf("walked %d issues (%v), want the 50 newest golive opened", len(issues), issues)
	}
	for _, b := range bodies {
		if strings.HasPrefix(b, "pasted") {
			t.Fatalf("a person's comment was read for receipts: %q", b)
		}
	}
}

// TestCompareFilesCutAt300: GitHub lists at most 300 files for a compare,
// so a list that long is reported as possibly cut (complete false): a
// scoped sign-off is then voided, and a config PR compared file to file.
func TestCompareFilesCutAt300(t *testing.T) {
	f := newFake(t)
	rp := f.AddRepo("o", "r")
	app, _ := githubapi.New(githubapi.Config{BaseURL: f.URL()})
	in, _ := app.For(1)
	for _, tc := range []struct {
		n        int
		complete bool
	}{{299, true}, {300, false}} {
		f.Do(func(map[string]*githubfake.Repo) {
			var files []string
			for i := range tc.n {
				files = append(files, fmt.Sprintf("f/%03d", i))
			}
			if rp.Compares == nil {
				rp.Compares = map[string][]string{}
			}
			rp.Compares["a...b"] = files
		})
		files, complete, err := in.CompareFiles(context.Background(), "o", "r", "a", "b")
		if err != nil || len(files) != tc.n || complete != tc.complete {
			t.Errorf("%d files: got %d, complete %v, %v; want complete %v", tc.n, len(files), complete, err, tc.complete)
		}
	}
}
