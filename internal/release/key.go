package release

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ParseKey reads "owner/repo#pr", the form Key.String writes.
func ParseKey(s string) (Key, error) {
	repo, num, ok := strings.Cut(s, "#")
	owner, name, ok2 := strings.Cut(repo, "/")
	n, err := strconv.Atoi(num)
	if !ok || !ok2 || err != nil || owner == "" || name == "" || n <= 0 || strings.Contains(name, "/") {
		return Key{}, fmt.Errorf("release %q: want OWNER/REPO#PR", s)
	}
	return Key{Owner: owner, Repo: name, PR: n}, nil
}

// ErrNotTracked means golive does not track the pull request as a release.
var ErrNotTracked = errors.New("not a tracked release")
