package release_test

import (
	"os"
	"testing"

	"github.com/ag06mixer/golive/internal/release"
)

// BenchmarkTicks reads the boxes of the 162-item tracking issue with
// checks (render's golden): every sync reads them once, to keep what it
// wrote (State.SetIssueWritten).
func BenchmarkTicks(b *testing.B) {
	body, err := os.ReadFile("../render/testdata/core-issue-checks.md.golden")
	if err != nil {
		b.Fatal(err)
	}
	s := string(body)
	b.ReportAllocs()
	for b.Loop() {
		if len(release.Ticks(s)) != 162 {
			b.Fatal("not 162 boxes")
		}
	}
}
