package app

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
)

// countAttrs counts the WithAttrs calls that reach the handler it wraps.
type countAttrs struct {
	slog.Handler
	n *int
}

func (c countAttrs) WithAttrs(as []slog.Attr) slog.Handler {
	*c.n++
	return countAttrs{c.Handler.WithAttrs(as), c.n}
}

func (c countAttrs) WithGroup(name string) slog.Handler {
	return countAttrs{c.Handler.WithGroup(name), c.n}
}

// TestLazyAttrsWritesTheSameLines: loggers made With after With, with
// groups between, write through lazyAttrs byte for byte what they write
// straight to slog's handlers, JSON and text.
func TestLazyAttrsWritesTheSameLines(t *testing.T) {
	noTime := &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	for _, format := range []string{"json", "text"} {
		var eager, lazily bytes.Buffer
		mk := func(b *bytes.Buffer) slog.Handler {
			if format == "text" {
				return slog.NewTextHandler(b, noTime)
			}
			return slog.NewJSONHandler(b, noTime)
		}
		for _, log := range []*slog.Logger{slog.New(mk(&eager)), slog.New(lazy(mk(&lazily)))} {
			base := log.With("delivery", "d-1", "event", "check_run")
			base.Info("one")
			a := base.With("attempt", 2)
			b := base.With("attempt", 3) // a sibling: a's attributes are not b's
			a.Warn("two", "x", 1)
			b.Warn("three")
			g := a.WithGroup("sync").With("release", "acme/shop#1")
			g.Error("four", "n", 2)
			g.WithGroup("").With().Info("five")
			log.Info("six")
		}
		if eager.String() != lazily.String() {
			t.Errorf("%s: lazily\n%s\nwant\n%s", format, lazily.String(), eager.String())
		}
		if eager.Len() == 0 {
			t.Fatal("nothing logged")
		}
	}
}

// TestLazyAttrsFormatsOnlyWhatIsWritten: a logger made With at every
// delivery but never written to at its level costs its handler nothing;
// the first line written builds it once, however many goroutines write.
func TestLazyAttrsFormatsOnlyWhatIsWritten(t *testing.T) {
	n := 0
	var b bytes.Buffer
	log := slog.New(lazy(countAttrs{slog.NewJSONHandler(&b, &slog.HandlerOptions{Level: slog.LevelWarn}), &n}))
	for i := range 100 {
		log.With("delivery", i).Info("queued")
	}
	if n != 0 || b.Len() != 0 {
		t.Fatalf("%d WithAttrs reached the handler for lines never written (%d bytes)", n, b.Len())
	}
	l := log.With("delivery", "d-1")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { l.Warn("refused") })
	}
	wg.Wait()
	if n != 1 {
		t.Fatalf("%d WithAttrs for one logger's lines, want 1", n)
	}
	if !bytes.Contains(b.Bytes(), []byte(`"delivery":"d-1"`)) {
		t.Fatalf("the attribute is not written: %s", b.String())
	}
	for _, format := range []string{"json", "text"} {
		if rf, ok := NewLogger(&b, "info", format).Handler().(repoField); !ok {
			t.Fatalf("%s: golive's logger is not the repo field's", format)
		} else if _, ok := rf.Handler.(lazyAttrs); !ok {
			t.Fatalf("%s: golive's logger formats its attributes at With", format)
		}
	}
}

// BenchmarkLoggerWith is a delivery's logger as ingest makes it (two
// With) at the default level, where nothing is written.
func BenchmarkLoggerWith(b *testing.B) {
	log := NewLogger(&bytes.Buffer{}, "info", "json")
	b.ReportAllocs()
	for b.Loop() {
		l := log.With("delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
		l = l.With("event", "check_run")
		l.Debug("queued")
	}
}

// asked counts the times its LogValue is asked.
type asked struct{ n *int }

func (a asked) LogValue() slog.Value { *a.n++; return slog.IntValue(*a.n) }

// TestLazyAttrsAsksLogValuersAtWith: a LogValuer given to With is asked
// then, as slog's own handlers ask it, not when the line is written.
func TestLazyAttrsAsksLogValuersAtWith(t *testing.T) {
	n := 0
	var b bytes.Buffer
	l := slog.New(lazy(slog.NewJSONHandler(&b, nil))).With("v", asked{&n})
	if n != 1 {
		t.Fatalf("asked %d times at With, want 1", n)
	}
	l.Info("one")
	l.Info("two")
	if n != 1 || !bytes.Contains(b.Bytes(), []byte(`"v":1`)) {
		t.Fatalf("asked %d times in all, want once: %s", n, b.String())
	}
}
