package checklist

import "testing"

func TestEntriesBuiltOnceByResolve(t *testing.T) {
	c, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	flat, entries := c.Flatten(), c.Entries()
	if len(flat) != len(entries) {
		t.Fatalf("Entries has %d items, Flatten %d", len(entries), len(flat))
	}
	for i := range flat {
		if flat[i] != entries[i] { // the same items, sections and groups
			t.Fatalf("entry %d: got %+v, want %+v", i, entries[i], flat[i])
		}
	}
	if n := testing.AllocsPerRun(20, func() { _ = c.Entries() }); n != 0 {
		t.Errorf("Entries of a resolved config allocates %v times, want 0 (built once by Resolve)", n)
	}
	// A config not made by Resolve still flattens.
	bare := &Config{Sections: c.Sections}
	if got, want := len(bare.Entries()), len(c.Entries()); got != want {
		t.Errorf("a bare config has %d entries, want %d", got, want)
	}
}
