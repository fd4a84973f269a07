package app

import (
	"context"
	"log/slog"
	"sync"
)

// lazyAttrs defers a logger's With until it writes a line. golive makes a
// logger per webhook delivery and per event it applies (the delivery's
// id, its event), and slog's JSON and text handlers format the attributes
// at With: in a flood that was a tenth of the webhook handler's CPU
// (docs/benchmarks.md), for loggers that mostly never write a line, since
// a delivery that goes well logs nothing at the default level. The lines
// it writes are the same, but for a value that changes after With (a map
// or a pointer given to With), which is written as it is at the first
// line: golive's With are given strings and numbers.
type lazyAttrs struct {
	parent slog.Handler // the handler with every attribute before these
	attrs  []slog.Attr
	once   *sync.Once
	built  *slog.Handler // parent.WithAttrs(attrs), once a line needs it
}

func lazy(h slog.Handler) lazyAttrs {
	return lazyAttrs{parent: h, once: new(sync.Once), built: new(slog.Handler)}
}

func (l lazyAttrs) handler() slog.Handler {
	l.once.Do(func() {
		*l.built = l.parent
		if len(l.attrs) > 0 {
			*l.built = l.parent.WithAttrs(l.attrs)
		}
	})
	return *l.built
}

// Enabled asks the handler underneath: a level needs no attributes.
func (l lazyAttrs) Enabled(ctx context.Context, level slog.Level) bool {
	return l.parent.Enabled(ctx, level)
}

func (l lazyAttrs) Handle(ctx context.Context, r slog.Record) error {
	return l.handler().Handle(ctx, r)
}

// WithAttrs adds to the attributes kept: the handler underneath gets them
// all in one WithAttrs, as it would have got them one With after another.
func (l lazyAttrs) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return l
	}
	for i := range as { // the handler owns as
		as[i].Value = as[i].Value.Resolve() // a LogValuer is asked at With, as slog's handlers ask it
	}
	next := lazy(l.parent)
	next.attrs = append(l.attrs[:len(l.attrs):len(l.attrs)], as...)
	return next
}

// WithGroup puts the attributes so far outside the group: they are
// applied first.
func (l lazyAttrs) WithGroup(name string) slog.Handler {
	if name == "" {
		return l
	}
	return lazy(l.handler().WithGroup(name))
}
