package release_test

import (
	"fmt"
	"testing"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// benchState is an open release of the default checklist on head "abc"
// that keeps names × shas check results, the head among the shas.
func benchState(b *testing.B, c *checklist.Config, names, shas int) *release.State {
	b.Helper()
	k := release.Key{Owner: "o", Repo: "r", PR: 1}
	s, _ := release.Apply(c, release.New(k), release.Event{Kind: release.EvPR, At: t0, Key: k,
		PR: &release.PRInfo{Title: "Release 1.0", Author: "a", HeadRef: "release/1.0", BaseRef: "main", HeadSHA: "abc"}})
	for j := range shas {
		sha := "abc"
		if j > 0 {
			sha = fmt.Sprintf("old%037d", j)
		}
		for i := range names {
			s, _ = release.Apply(c, s, release.Event{Kind: release.EvCheck, At: t0, Key: k,
				Check: &release.CheckResult{Name: fmt.Sprintf("ci / unit %d", i), SHA: sha, Status: "completed", Conclusion: "success", At: t0}})
		}
	}
	if got := len(s.Checks); got != names*shas {
		b.Fatalf("release keeps %d check results, want %d", got, names*shas)
	}
	return s
}

func benchConfig(b *testing.B) *checklist.Config {
	b.Helper()
	c, err := checklist.DefaultConfig()
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkEvaluate evaluates the 162 items of the default checklist on
// a release that has seen 20 check results.
func BenchmarkEvaluate(b *testing.B) {
	c := benchConfig(b)
	s := benchState(b, c, 20, 1)
	b.ReportAllocs()
	for b.Loop() {
		if rep := release.Evaluate(c, s, t0); len(rep.Items) != 162 {
			b.Fatalf("got %d items, want 162", len(rep.Items))
		}
	}
}

// BenchmarkEvaluate500Checks is the same with 500 check results kept.
func BenchmarkEvaluate500Checks(b *testing.B) {
	c := benchConfig(b)
	s := benchState(b, c, 100, 5)
	b.ReportAllocs()
	for b.Loop() {
		if rep := release.Evaluate(c, s, t0); len(rep.Items) != 162 {
			b.Fatalf("got %d items, want 162", len(rep.Items))
		}
	}
}

// BenchmarkCheckRunFor builds the check run from an evaluation.
func BenchmarkCheckRunFor(b *testing.B) {
	c := benchConfig(b)
	s := benchState(b, c, 20, 1)
	rep := release.Evaluate(c, s, t0)
	b.ReportAllocs()
	for b.Loop() {
		if cr := release.CheckRunFor(c, s, rep, "https://github.com/o/r/issues/2"); cr.Summary == "" {
			b.Fatal("empty summary")
		}
	}
}

// BenchmarkApplyCheck applies one CI result to a release that keeps 500.
func BenchmarkApplyCheck(b *testing.B) {
	c := benchConfig(b)
	s := benchState(b, c, 100, 5)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		ev := release.Event{Kind: release.EvCheck, At: t0, Key: s.Key,
			Check: &release.CheckResult{Name: "ci / e2e", ID: int64(i), SHA: "abc", Status: "completed", Conclusion: "success", At: t0}}
		if _, eff := release.Apply(c, s, ev); len(eff) == 0 {
			b.Fatal("a head result asked for no sync")
		}
	}
}
