package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/redis/go-redis/v9"
)

// Logger is the server's logger, in the level and format its settings
// name (GOLIVE_LOG_LEVEL, GOLIVE_LOG_FORMAT). go-redis logs through it
// too, so its lines are records like the others, not plain text inside
// the JSON stream.
func (s *Settings) Logger(w io.Writer) *slog.Logger {
	log := NewLogger(w, s.LogLevel, s.LogFormat)
	redis.SetLogger(redisLog{log})
	return log
}

// NewLogger logs JSON, or text for a terminal. Durations are logged
// in milliseconds, under their key with _ms, not as Go's nanoseconds.
func NewLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: l, ReplaceAttr: millis}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(repoField{Handler: lazy(h)})
}

// repoField gives each line with a release field (OWNER/REPO#PR) a repo
// field (OWNER/REPO) too, unless it has one, so a log search by repo
// finds every line about its releases.
type repoField struct {
	slog.Handler
	has bool // the logger's own attributes name the repo
}

func (h repoField) Handle(ctx context.Context, r slog.Record) error {
	if !h.has {
		var repo string
		has := false
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "repo":
				has = true
			case "release":
				repo = repoOf(a.Value)
			}
			return true
		})
		if repo != "" && !has {
			r = r.Clone()
			r.AddAttrs(slog.String("repo", repo))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h repoField) WithAttrs(as []slog.Attr) slog.Handler {
	has := h.has
	for _, a := range as {
		has = has || a.Key == "repo"
	}
	if !has {
		for _, a := range as {
			if a.Key != "release" {
				continue // no key to parse: a delivery id would fail it, with an error made for nothing
			}
			if repo := repoOf(a.Value); repo != "" {
				as = append(as[:len(as):len(as)], slog.String("repo", repo))
				has = true
				break
			}
		}
	}
	return repoField{Handler: h.Handler.WithAttrs(as), has: has}
}

func (h repoField) WithGroup(name string) slog.Handler {
	return repoField{Handler: h.Handler.WithGroup(name), has: h.has}
}

// repoOf is the OWNER/REPO of a release field's value, or "".
func repoOf(v slog.Value) string {
	k, err := release.ParseKey(v.Resolve().String())
	if err != nil {
		return ""
	}
	return k.FullRepo()
}

func millis(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindDuration {
		return a
	}
	key := a.Key
	if !strings.HasSuffix(key, "_ms") {
		key += "_ms"
	}
	return slog.Float64(key, float64(a.Value.Duration())/float64(time.Millisecond))
}

// redisLog is go-redis's logger on slog.
type redisLog struct{ log *slog.Logger }

func (r redisLog) Printf(ctx context.Context, format string, v ...any) {
	r.log.WarnContext(ctx, "redis: "+fmt.Sprintf(format, v...), "component", "redis")
}
