//go:build nodemo

package cli

import (
	"errors"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// The release image is built with -tags nodemo: it serves real GitHub and
// a real Redis only, and carries neither the demo's fake GitHub (with its
// OpenAPI checker) nor the embedded Redis.

var errNoDemo = errors.New("this golive was built with -tags nodemo (the release image): it has no demo and no embedded Redis; run `go run ./cmd/golive demo` from the source")

func runDemo(*env, []string) error { return errNoDemo }

func embeddedRedis(*slog.Logger) (redis.UniversalClient, func(), error) {
	return nil, nil, errors.New("GOLIVE_REDIS_URL is unset, and this build (-tags nodemo) has no embedded Redis: set GOLIVE_REDIS_URL")
}
