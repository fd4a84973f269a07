package githubapi

import (
	"errors"

	"github.com/google/go-github/v60/github"
)

// StatusOf returns the HTTP status GitHub answered a failed request with,
// or 0 when err carries none (a network error, a timeout).
func StatusOf(err error) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, ErrNotFound) {
		return 404
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}
