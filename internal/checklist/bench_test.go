package checklist

import "testing"

// BenchmarkResolveDefault parses nothing: it resolves the built-in layer,
// as a repository without a golive.yml costs.
func BenchmarkResolveDefault(b *testing.B) {
	f, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Resolve(f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlatten walks the 162 items of the default checklist.
func BenchmarkFlatten(b *testing.B) {
	c, err := DefaultConfig()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if n := len(c.Flatten()); n != 162 {
			b.Fatalf("got %d items, want 162", n)
		}
	}
}

// BenchmarkNameGlob matches a check pattern against a GitHub check name,
// the inner loop of evaluating check items (items × results).
func BenchmarkNameGlob(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if !NameGlob("*unit*", "CI / unit (push)") || NameGlob("*e2e*", "CI / unit (push)") {
			b.Fatal("wrong match")
		}
	}
}

// BenchmarkNameGlobClass is a pattern with a character class, which takes
// path.Match's way.
func BenchmarkNameGlobClass(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if !NameGlob("ci / unit [0-9]*", "ci / unit 7") {
			b.Fatal("wrong match")
		}
	}
}
