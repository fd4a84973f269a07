package checklist

import (
	"errors"
	"path"
	"strings"
)

// PathGlob reports whether a repository file path matches glob: '/'
// separates segments, "**" as a whole segment matches any number of them
// (none included), and other segments match as path.Match does.
func PathGlob(glob, name string) bool {
	return matchSegs(strings.Split(glob, "/"), strings.Split(name, "/"))
}

func matchSegs(g, n []string) bool {
	for len(g) > 0 {
		if g[0] == "**" {
			for i := 0; i <= len(n); i++ {
				if matchSegs(g[1:], n[i:]) {
					return true
				}
			}
			return false
		}
		if len(n) == 0 {
			return false
		}
		if ok, err := path.Match(g[0], n[0]); err != nil || !ok {
			return false
		}
		g, n = g[1:], n[1:]
	}
	return len(n) == 0
}

func checkPathGlob(g string) error {
	if g == "" || strings.HasPrefix(g, "/") {
		return errors.New("want a path relative to the repository root")
	}
	for _, s := range strings.Split(g, "/") {
		if s == "" {
			return errors.New("empty path segment")
		}
		if s != "**" && strings.Contains(s, "**") {
			return errors.New(`"**" must be a whole path segment`)
		}
		if _, err := path.Match(s, ""); err != nil {
			return err
		}
	}
	return nil
}
