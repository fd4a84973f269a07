package command

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold maps what only looks like ASCII to ASCII, lower case: NFKC
// compatibility forms (the Kelvin sign K, the long s ſ, fullwidth and
// mathematical letters, ligatures), then the Cyrillic and Greek letters
// that pass for Latin ones. A word golive reads is ASCII; one that is not,
// but folds to a command, role or item, is refused with a "did you mean",
// never executed.
func Fold(s string) string {
	if IsASCII(s) {
		return strings.ToLower(s)
	}
	s = norm.NFKC.String(s)
	var b strings.Builder
	for _, r := range s {
		if a, ok := lookAlikes[r]; ok {
			r = a
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// IsASCII reports whether s is all ASCII.
func IsASCII(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf })
}

// lookAlikes maps characters that pass for ASCII letters, and that NFKC
// leaves alone, to them.
var lookAlikes = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'х': 'x', 'у': 'y', 'к': 'k', 'і': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'һ': 'h', 'ԛ': 'q', 'ԝ': 'w', 'ν': 'v',
	'α': 'a', 'ε': 'e', 'ο': 'o', 'ρ': 'p', 'ι': 'i', 'κ': 'k', 'υ': 'u', 'τ': 't', 'η': 'n',
	'А': 'a', 'В': 'b', 'Е': 'e', 'К': 'k', 'М': 'm', 'Н': 'h', 'О': 'o', 'Р': 'p', 'С': 'c', 'Т': 't', 'Х': 'x', 'Ѕ': 's', 'І': 'i', 'Ј': 'j',
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ζ': 'z', 'Η': 'h', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm', 'Ν': 'n', 'Ο': 'o', 'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x',
	'ı': 'i', 'ɑ': 'a', 'ɡ': 'g', 'ո': 'n', 'ս': 'u', 'օ': 'o',
}
