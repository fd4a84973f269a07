package checklist_test

import (
	"errors"
	"os"
	"testing"

	"github.com/ag06mixer/golive/internal/checklist"
)

// FuzzParse feeds arbitrary bytes through Parse and Resolve. Neither may
// panic, and every failure must be a Problems list with positions.
func FuzzParse(f *testing.F) {
	def, err := os.ReadFile("../../config/production-readiness.yml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(def)
	f.Add([]byte("version: 1\noverride:\n  unit-tests-comprehensive-and-passing: {required: false}\ndrop: [waf-rules-defined-optional]\n"))
	f.Add([]byte("version: 1\nroles:\n  - {id: a, after: [b]}\n  - {id: b, after: [a]}\n"))
	base, err := checklist.Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := checklist.Parse("fuzz.yml", data)
		if err != nil {
			var ps checklist.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("Parse error is %T %v, want a non-empty Problems", err, err)
			}
			return
		}
		cfg, err := checklist.Resolve(base, file)
		if err != nil {
			var ps checklist.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("Resolve error is %T %v, want a non-empty Problems", err, err)
			}
			return
		}
		for _, e := range cfg.Flatten() {
			if e.Item.ID == "" {
				t.Fatal("a valid config has an item without an id")
			}
		}
	})
}
