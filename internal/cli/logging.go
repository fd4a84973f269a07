package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// logger is the server's logger, in the level and format its settings
// name (GOLIVE_LOG_LEVEL, GOLIVE_LOG_FORMAT). go-redis logs through it
// too, so its lines are records like the others, not plain text inside
// the JSON stream.
func (s *settings) logger(w io.Writer) *slog.Logger {
	log := newLogFormat(w, s.LogLevel, s.LogFormat)
	redis.SetLogger(redisLog{log})
	return log
}

// newLogFormat logs JSON, or text for a terminal. Durations are logged
// in milliseconds, under their key with _ms, not as Go's nanoseconds.
func newLogFormat(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: l, ReplaceAttr: millis}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
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
