package receipt

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Canonical returns the RFC 8785 (JSON Canonicalization Scheme) form of a
// JSON text: object members sorted by the UTF-16 code units of their
// names, no insignificant whitespace, strings escaped as ECMAScript's
// JSON.stringify does, numbers written as ECMAScript's Number.toString.
//
// It implements the whole of JCS for I-JSON input and refuses what I-JSON
// forbids: invalid UTF-8, duplicate member names, numbers that are not
// finite doubles, and trailing data.
func Canonical(in []byte) ([]byte, error) {
	if !utf8.Valid(in) {
		return nil, errors.New("canonical JSON: invalid UTF-8")
	}
	p := &parser{in: in}
	out := make([]byte, 0, len(in))
	p.ws()
	out, err := p.value(out, 0)
	if err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	p.ws()
	if p.i != len(p.in) {
		return nil, fmt.Errorf("canonical JSON: data after the value at byte %d", p.i)
	}
	return out, nil
}

// maxDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxDepth = 64

// parser reads RFC 8259 JSON and writes its canonical form.
type parser struct {
	in []byte
	i  int
}

func (p *parser) ws() {
	for p.i < len(p.in) && (p.in[p.i] == ' ' || p.in[p.i] == '\t' || p.in[p.i] == '\n' || p.in[p.i] == '\r') {
		p.i++
	}
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("byte %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *parser) value(out []byte, depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, p.errorf("nested deeper than %d", maxDepth)
	}
	if p.i >= len(p.in) {
		return nil, p.errorf("unexpected end")
	}
	switch c := p.in[p.i]; {
	case c == '{':
		return p.object(out, depth)
	case c == '[':
		p.i++
		out = append(out, '[')
		p.ws()
		if p.i < len(p.in) && p.in[p.i] == ']' {
			p.i++
			return append(out, ']'), nil
		}
		for {
			var err error
			if out, err = p.value(out, depth+1); err != nil {
				return nil, err
			}
			p.ws()
			if p.i >= len(p.in) {
				return nil, p.errorf("unterminated array")
			}
			switch p.in[p.i] {
			case ',':
				p.i++
				p.ws()
				out = append(out, ',')
			case ']':
				p.i++
				return append(out, ']'), nil
			default:
				return nil, p.errorf("want , or ] in an array")
			}
		}
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return appendString(out, s), nil
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(p.in[p.i:], []byte(lit)) {
				p.i += len(lit)
				return append(out, lit...), nil
			}
		}
		return nil, p.errorf("unknown literal")
	case c == '-' || c >= '0' && c <= '9':
		return p.number(out)
	}
	return nil, p.errorf("unexpected %q", p.in[p.i])
}

func (p *parser) object(out []byte, depth int) ([]byte, error) {
	type member struct {
		key  string
		u16  []uint16
		text []byte
	}
	var ms []member
	p.i++
	p.ws()
	if p.i < len(p.in) && p.in[p.i] == '}' {
		p.i++
		return append(out, "{}"...), nil
	}
	for {
		if p.i >= len(p.in) || p.in[p.i] != '"' {
			return nil, p.errorf("want a member name")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.in) || p.in[p.i] != ':' {
			return nil, p.errorf("want : after a member name")
		}
		p.i++
		p.ws()
		v, err := p.value(nil, depth+1)
		if err != nil {
			return nil, err
		}
		ms = append(ms, member{key: k, u16: utf16.Encode([]rune(k)), text: v})
		p.ws()
		if p.i >= len(p.in) {
			return nil, p.errorf("unterminated object")
		}
		if p.in[p.i] == ',' {
			p.i++
			p.ws()
			continue
		}
		if p.in[p.i] != '}' {
			return nil, p.errorf("want , or } in an object")
		}
		p.i++
		break
	}
	slices.SortFunc(ms, func(a, b member) int { return slices.Compare(a.u16, b.u16) })
	out = append(out, '{')
	for i, m := range ms {
		if i > 0 {
			if m.key == ms[i-1].key {
				return nil, fmt.Errorf("duplicate member %q", m.key)
			}
			out = append(out, ',')
		}
		out = appendString(out, m.key)
		out = append(out, ':')
		out = append(out, m.text...)
	}
	return append(out, '}'), nil
}

// str reads a string literal, escapes decoded. A lone surrogate is
// refused: I-JSON forbids it.
func (p *parser) str() (string, error) {
	p.i++ // the quote
	var b []byte
	for {
		if p.i >= len(p.in) {
			return "", p.errorf("unterminated string")
		}
		c := p.in[p.i]
		switch {
		case c == '"':
			p.i++
			return string(b), nil
		case c < 0x20:
			return "", p.errorf("control character in a string")
		case c != '\\':
			b = append(b, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.in) {
			return "", p.errorf("unterminated escape")
		}
		e := p.in[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, err := p.hex4()
			if err != nil {
				return "", err
			}
			if utf16.IsSurrogate(r) {
				if r >= 0xdc00 || p.i+1 >= len(p.in) || p.in[p.i] != '\\' || p.in[p.i+1] != 'u' {
					return "", p.errorf("lone surrogate")
				}
				p.i += 2
				r2, err := p.hex4()
				if err != nil {
					return "", err
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return "", p.errorf("lone surrogate")
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", p.errorf("unknown escape \\%c", e)
		}
	}
}

func (p *parser) hex4() (rune, error) {
	if p.i+4 > len(p.in) {
		return 0, p.errorf("short \\u escape")
	}
	v, err := strconv.ParseUint(string(p.in[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, p.errorf("bad \\u escape")
	}
	p.i += 4
	return rune(v), nil
}

// number reads an RFC 8259 number and writes it as JCS does.
func (p *parser) number(out []byte) ([]byte, error) {
	start := p.i
	if p.in[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.in) && p.in[p.i] >= '0' && p.in[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	intStart := p.i
	if n := digits(); n == 0 || (n > 1 && p.in[intStart] == '0') {
		return nil, p.errorf("bad number")
	}
	if p.i < len(p.in) && p.in[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.errorf("bad number")
		}
	}
	if p.i < len(p.in) && (p.in[p.i] == 'e' || p.in[p.i] == 'E') {
		p.i++
		if p.i < len(p.in) && (p.in[p.i] == '+' || p.in[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.errorf("bad number")
		}
	}
	text := string(p.in[start:p.i])
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, fmt.Errorf("number %s: not an IEEE 754 double", text)
	}
	s, err := FormatNumber(f)
	if err != nil {
		return nil, err
	}
	return append(out, s...), nil
}

// appendString writes s as JSON.stringify does: the two-character
// escapes for \b \t \n \f \r " and \\, \u00xx (lower-case hex) for the
// other control characters, and every other character as itself.
func appendString(out []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	out = append(out, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			out = append(out, '\\', '"')
		case '\\':
			out = append(out, '\\', '\\')
		case '\b':
			out = append(out, '\\', 'b')
		case '\f':
			out = append(out, '\\', 'f')
		case '\n':
			out = append(out, '\\', 'n')
		case '\r':
			out = append(out, '\\', 'r')
		case '\t':
			out = append(out, '\\', 't')
		default:
			if c < 0x20 {
				out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			} else {
				out = append(out, c)
			}
		}
	}
	return append(out, '"')
}

// FormatNumber writes a double as ECMAScript's Number.prototype.toString
// (ECMA-262 7.1.12.1), which RFC 8785 section 3.2.2.3 adopts: the
// shortest digits that round-trip, in plain notation for exponents from
// -7 to 20 and in exponent notation otherwise. NaN and the infinities
// have no JSON form.
func FormatNumber(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("number %v has no JSON form", f)
	}
	if f == 0 {
		return "0", nil // -0 too
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	// Shortest round-trip digits and the decimal exponent: d.ddde±x.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	k, n := len(digits), x+1 // value = 0.digits × 10^n
	var s string
	switch {
	case k <= n && n <= 21:
		s = digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		s = digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		s = "0." + strings.Repeat("0", -n) + digits
	default:
		s = digits[:1]
		if k > 1 {
			s += "." + digits[1:]
		}
		if n-1 >= 0 {
			s += "e+" + strconv.Itoa(n-1)
		} else {
			s += "e-" + strconv.Itoa(1-n)
		}
	}
	return sign + s, nil
}
