package release_test

import (
	"encoding/json"
	"testing"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// BenchmarkStateSaveLoad encodes and decodes the state of a synced
// release of the default checklist (162 items, 20 check results), as
// each event's load and save do: "text" keeps the issue body and check
// digest as golive before schema 3 did, "hash" as it does now.
func BenchmarkStateSaveLoad(b *testing.B) {
	c := benchConfig(b)
	base := benchState(b, c, 20, 1)
	rep := release.Evaluate(c, base, t0)
	body := render.Issue(c, base, t0)
	cr := release.CheckRunFor(c, base, rep, "https://github.com/o/r/issues/2")
	for _, tc := range []struct {
		name string
		set  func(s *release.State)
	}{
		{"text", func(s *release.State) { s.Written.IssueBody, s.Written.CheckDigest = body, cr.Digest() }},
		{"hash", func(s *release.State) { s.SetIssueWritten(body); s.SetCheckWritten(cr) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := *base
			tc.set(&s)
			raw, err := json.Marshal(&s)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				out, err := json.Marshal(&s)
				if err != nil {
					b.Fatal(err)
				}
				var back release.State
				if err := json.Unmarshal(out, &back); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(raw)), "bytes/state")
		})
	}
}
