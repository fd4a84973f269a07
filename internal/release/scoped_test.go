package release_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// TestScopedInvalidation: a role with invalidate_on keeps its sign-off
// across a push that changes nothing under its paths, loses it to one
// that does (the reason names the files), and loses it when the files
// cannot be read.
func TestScopedInvalidation(t *testing.T) {
	def, err := checklist.Default()
	if err != nil {
		t.Fatal(err)
	}
	f, err := checklist.Parse("golive.yml", []byte("version: 1\nroles:\n  - id: business\n    invalidate_on: [\"migrations/**\", \"db/*.sql\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := checklist.Resolve(def, f)
	if err != nil {
		t.Fatal(err)
	}
	k := release.Key{Owner: "o", Repo: "r", PR: 7}
	s := release.New(k)
	s.HeadSHA, s.HeadTree = "sha1", "tree1"
	s.Signoffs = []release.Signoff{{Role: "business", By: "bea", At: t0, SHA: "sha1", Tree: "tree1"}}
	push := func(pr release.PRInfo) (*release.State, release.Signoff) {
		pr.HeadSHA, pr.HeadTree, pr.Synchronize = "sha2", "tree2", true
		n, _ := release.Apply(c, s, release.Event{Kind: release.EvPR, At: t0.Add(time.Hour), Key: k, PR: &pr})
		return n, n.Signoffs[0]
	}
	for _, tc := range []struct {
		name   string
		pr     release.PRInfo
		active bool
		reason string
	}{
		{"outside the paths", release.PRInfo{Changed: []string{"src/app.go", "migrations.md", "db/seed/a.sql"}, ChangedKnown: true}, true, ""},
		{"under migrations", release.PRInfo{Changed: []string{"src/app.go", "migrations/2026/001_users.sql"}, ChangedKnown: true}, false, "touched migrations/2026/001_users.sql"},
		{"a top-level sql file", release.PRInfo{Changed: []string{"db/schema.sql"}, ChangedKnown: true}, false, "touched db/schema.sql"},
		{"many files", release.PRInfo{Changed: []string{"migrations/a", "migrations/b", "migrations/c", "migrations/d", "migrations/e"}, ChangedKnown: true}, false, "touched migrations/a, migrations/b, migrations/c and 2 more"},
		{"files unknown", release.PRInfo{ChangedWhy: "GitHub lists at most 3000 files"}, false, "the files it changed could not be read (GitHub lists at most 3000 files)"},
		{"nothing said", release.PRInfo{}, false, "could not be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, so := push(tc.pr)
			if so.Active() != tc.active {
				t.Errorf("got active %v (%s), want %v", so.Active(), so.VoidReason, tc.active)
			}
			if !strings.Contains(so.VoidReason, tc.reason) {
				t.Errorf("got reason %q, want it to say %q", so.VoidReason, tc.reason)
			}
		})
	}
	// Equal trees keep it without reading any files, as before.
	n, _ := release.Apply(c, s, release.Event{Kind: release.EvPR, At: t0.Add(time.Hour), Key: k, PR: &release.PRInfo{HeadSHA: "sha2", HeadTree: "tree1", Synchronize: true}})
	if !n.Signoffs[0].Active() {
		t.Error("a rebase with the same tree voided a scoped sign-off")
	}
}

func TestPathGlob(t *testing.T) {
	for _, tc := range []struct {
		glob, name string
		want       bool
	}{
		{"migrations/**", "migrations/001.sql", true},
		{"migrations/**", "migrations/a/b/c.sql", true},
		{"migrations/**", "migrations", true},
		{"migrations/**", "src/migrations/001.sql", false},
		{"**/*.sql", "db/x/y.sql", true},
		{"**/*.sql", "y.sql", true},
		{"db/*.sql", "db/x/y.sql", false},
		{"db/*.sql", "db/y.sql", true},
		{"db/[", "db/[", false},
	} {
		if got := checklist.PathGlob(tc.glob, tc.name); got != tc.want {
			t.Errorf("PathGlob(%q, %q): got %v, want %v", tc.glob, tc.name, got, tc.want)
		}
	}
}
