package render_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

var benchAt = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// benchRelease is an open release of cfg on head "abc" that has seen
// the results of checks: names × shas results, the head among the shas.
func benchRelease(b *testing.B, cfg *checklist.Config, names, shas int) *release.State {
	b.Helper()
	k := release.Key{Owner: "o", Repo: "r", PR: 1}
	s, _ := release.Apply(cfg, release.New(k), release.Event{Kind: release.EvPR, At: benchAt, Key: k,
		PR: &release.PRInfo{Title: "Release 1.0", Author: "a", HeadRef: "release/1.0", BaseRef: "main", HeadSHA: "abc"}})
	for j := range shas {
		sha := "abc"
		if j > 0 {
			sha = fmt.Sprintf("old%037d", j)
		}
		for i := range names {
			s, _ = release.Apply(cfg, s, release.Event{Kind: release.EvCheck, At: benchAt, Key: k,
				Check: &release.CheckResult{Name: fmt.Sprintf("ci / unit %d", i), SHA: sha, Status: "completed", Conclusion: "success", At: benchAt}})
		}
	}
	if got := len(s.Checks); got != names*shas {
		b.Fatalf("release keeps %d check results, want %d", got, names*shas)
	}
	return s
}

// benchApplyRender is the core's work for one CI result: Apply, then
// render the tracking issue and the check run, as a sync does. (Before
// #18 a sync evaluated twice: IssueWithLedger, then Evaluate again for
// the check run; the benchmark did the same.)
func benchApplyRender(b *testing.B, s *release.State, cfg *checklist.Config) {
	b.ReportAllocs()
	k := s.Key
	i := 0
	for b.Loop() {
		i++
		ev := release.Event{Kind: release.EvCheck, At: benchAt, Key: k,
			Check: &release.CheckResult{Name: "ci / e2e", ID: int64(i), SHA: "abc", Status: "completed", Conclusion: "success", At: benchAt}}
		n, _ := release.Apply(cfg, s, ev)
		rep := release.Evaluate(cfg, n, benchAt) // once, shared as a sync does
		body := render.IssueWithLedgerFor(cfg, n, rep, []byte("k"))
		_ = release.CheckRunFor(cfg, n, rep, "")
		if len(body) == 0 {
			b.Fatal("empty body")
		}
	}
}

// BenchmarkApplyRender applies one CI result to a release of the full
// default checklist (162 items) that has seen 20 others.
func BenchmarkApplyRender(b *testing.B) {
	cfg := defaultConfig(b)
	benchApplyRender(b, benchRelease(b, cfg, 20, 1), cfg)
}

// BenchmarkApplyRender500Checks is the same on a release that keeps 500
// check results: 100 names on the head and on four earlier commits.
func BenchmarkApplyRender500Checks(b *testing.B) {
	cfg := defaultConfig(b)
	benchApplyRender(b, benchRelease(b, cfg, 100, 5), cfg)
}

// BenchmarkIssue renders the tracking issue of a release part-way through.
func BenchmarkIssue(b *testing.B) {
	cfg := defaultConfig(b)
	s := progressed()
	b.ReportAllocs()
	for b.Loop() {
		if len(render.Issue(cfg, s, t0)) == 0 {
			b.Fatal("empty body")
		}
	}
}
