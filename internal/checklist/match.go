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
	if strings.ContainsAny(pattern, `?[\`) {
		const unit = "\x1f"
		return Glob(strings.ReplaceAll(pattern, "/", unit), strings.ReplaceAll(s, "/", unit))
	}
	return starMatch(pattern, s)
}

// starMatch matches a pattern whose only special character is '*', which
// matches any run of bytes, '/' included: what path.Match does with '/'
// swapped for U+001F on both sides (as NameGlob's general path does, so
// '/' and U+001F stand for each other there too), without allocating.
// Every check item is matched against every result on each evaluation.
func starMatch(pattern, s string) bool {
	// Greedy with one backtrack point: the last '*' seen.
	p, i := 0, 0
	star, from := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, from = p, i
			p++
		case p < len(pattern) && sameByte(pattern[p], s[i]):
			p++
			i++
		case star >= 0:
			from++
			p, i = star+1, from
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func sameByte(a, b byte) bool {
	const unit = 0x1f
	if a == '/' {
		a = unit
	}
	if b == '/' {
		b = unit
	}
	return a == b
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
