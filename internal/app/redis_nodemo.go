//go:build nodemo

package app

import (
	"errors"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// errNoEmbeddedRedis: the release image (built with -tags nodemo) carries
// no embedded Redis; it needs GOLIVE_REDIS_URL.
var errNoEmbeddedRedis = errors.New("GOLIVE_REDIS_URL is unset, and this build (-tags nodemo) has no embedded Redis: set GOLIVE_REDIS_URL")

func embeddedRedis(*slog.Logger) (redis.UniversalClient, func(), error) {
	return nil, nil, errNoEmbeddedRedis
}
