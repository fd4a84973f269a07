package checklist

import (
	"fmt"
	"strings"
)

// suggest returns `; did you mean "x"?` for the closest known word, if it
// is close enough to be a likely typo.
func suggest(word string, known []string) string {
	if best, ok := Closest(word, known); ok {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}

// Closest returns the known word nearest to word by edit distance, when it
// is near enough to be a likely typo.
func Closest(word string, known []string) (string, bool) {
	best, bestD := "", 1<<30
	for _, k := range known {
		if d := EditDistance(strings.ToLower(word), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" || bestD > max(2, len(word)/3) {
		return "", false
	}
	return best, true
}

// EditDistance is the Levenshtein distance of a and b, in runes (a large
// number for words over 64 runes: no typo is that long).
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 20
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
