package server

import (
	"errors"
	"net/http"

	"github.com/ag06mixer/golive/internal/release"
)

// errorStatus is the one table from the errors the server's dependencies
// return to the HTTP status a person is shown. An error it does not know
// is a dependency failing: 503, try again.
var errorStatus = []struct {
	err    error
	status int
	text   string
}{
	{release.ErrNotTracked, http.StatusNotFound, "golive does not track this pull request as a release."},
	{ErrSignedOut, http.StatusUnauthorized, "Your GitHub sign-in has ended; sign in again."},
}

// statusOf maps an error to its HTTP status and the text shown with it;
// fallback is the text for an error the table does not know.
func statusOf(err error, fallback string) (int, string) {
	for _, e := range errorStatus {
		if errors.Is(err, e.err) {
			return e.status, e.text
		}
	}
	return http.StatusServiceUnavailable, fallback
}
