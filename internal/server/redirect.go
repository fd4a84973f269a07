package server

import (
	"net/url"
	"strconv"
	"strings"
)

// localPath returns next as a path on this site, or false. It is
// checked as browsers read a Location, not only as Go parses it: browsers
// drop tabs and newlines and read "\" as "/", so "/\t/evil.example" is
// "//evil.example", another site. So next must be printable ASCII with
// no "\", carry no escaped "/", "\", "%", space or control byte (which a
// proxy or a second decoding could turn into one), and parse as a bare
// path (no scheme, host or user) that starts with exactly one "/". The
// fragment is dropped; the result is rebuilt from the parsed URL.
func localPath(next string) (string, bool) {
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return "", false
	}
	for i := 0; i < len(next); i++ {
		switch b := next[i]; {
		case b <= ' ' || b >= 0x7f || b == '\\':
			return "", false
		case b == '%':
			if i+3 > len(next) {
				return "", false
			}
			v, err := strconv.ParseUint(next[i+1:i+3], 16, 8)
			if err != nil || v <= ' ' || v >= 0x7f || v == '/' || v == '\\' || v == '%' {
				return "", false
			}
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	p := u.EscapedPath()
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(u.Path, "//") || strings.ContainsAny(u.Path, "\\") {
		return "", false
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p, true
}
