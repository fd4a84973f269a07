//go:build nodemo

package cli

import (
	"errors"
)

// The release image is built with -tags nodemo: it serves real GitHub and
// a real Redis only, and carries neither the demo's fake GitHub (with its
// OpenAPI checker) nor the embedded Redis (internal/app/redis_nodemo.go).

var errNoDemo = errors.New("this golive was built with -tags nodemo (the release image): it has no demo and no embedded Redis; run `go run ./cmd/golive demo` from the source")

func runDemo(*env, []string) error { return errNoDemo }
