package checklist

import (
	"path"
	"strings"
)

func anyGlob(globs []string, s string) bool {
	for _, g := range globs {
		if Glob(g, s) {
			return true
		}
	}
	return false
}

// Glob matches s against a path.Match pattern; a bad pattern matches
// nothing (validation reports it).
func Glob(pattern, s string) bool {
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

// NameGlob matches a check run or status name. Unlike Glob, '*' also
// matches '/': GitHub names checks "CI / unit (push)", and "*unit*" should
// find that.
func NameGlob(pattern, s string) bool {
	const unit = "\x1f"
	return Glob(strings.ReplaceAll(pattern, "/", unit), strings.ReplaceAll(s, "/", unit))
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
