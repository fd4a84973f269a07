package receipt

import (
	"math"
	"strings"
	"testing"
)

// RFC 8785 Appendix B: IEEE 754 bit patterns and their JCS number text.
func TestFormatNumberRFC8785AppendixB(t *testing.T) {
	samples := []struct {
		bits uint64
		want string
	}{
		{0x0000000000000000, "0"},
		{0x8000000000000000, "0"},
		{0x0000000000000001, "5e-324"},
		{0x8000000000000001, "-5e-324"},
		{0x7fefffffffffffff, "1.7976931348623157e+308"},
		{0xffefffffffffffff, "-1.7976931348623157e+308"},
		{0x4340000000000000, "9007199254740992"},
		{0xc340000000000000, "-9007199254740992"},
		{0x4430000000000000, "295147905179352830000"},
		{0x44b52d02c7e14af5, "9.999999999999997e+22"},
		{0x44b52d02c7e14af6, "1e+23"},
		{0x44b52d02c7e14af7, "1.0000000000000001e+23"},
		{0x444b1ae4d6e2ef4e, "999999999999999700000"},
		{0x444b1ae4d6e2ef4f, "999999999999999900000"},
		{0x444b1ae4d6e2ef50, "1e+21"},
		{0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
		{0x3eb0c6f7a0b5ed8d, "0.000001"},
		{0x41b3de4355555553, "333333333.3333332"},
		{0x41b3de4355555554, "333333333.33333325"},
		{0x41b3de4355555555, "333333333.3333333"},
		{0x41b3de4355555556, "333333333.3333334"},
		{0x41b3de4355555557, "333333333.33333343"},
		{0xbecbf647612f3696, "-0.0000033333333333333333"},
		{0x43143ff3c1cb0959, "1424953923781206.2"},
	}
	for _, s := range samples {
		got, err := FormatNumber(math.Float64frombits(s.bits))
		if err != nil || got != s.want {
			t.Errorf("%016x: got %q (%v), want %q", s.bits, got, err, s.want)
		}
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := FormatNumber(bad); err == nil {
			t.Errorf("%v: got no error, want one", bad)
		}
	}
}

// RFC 8785 section 3.2.2: the example of whitespace, numbers, strings
// and literals.
func TestCanonicalRFC8785Example(t *testing.T) {
	in := `{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`
	want := `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`
	got, err := Canonical([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// RFC 8785 section 3.2.3: members sort by UTF-16 code units, so the emoji
// (a surrogate pair, 0xD83D…) comes before U+FB33.
func TestCanonicalRFC8785Sorting(t *testing.T) {
	in := `{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}`
	got, err := Canonical([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"\r":"Carriage Return","1":"One","` + "\u0080" + `":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","דּ":"Hebrew Letter Dalet With Dagesh"}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestCanonicalRefusesNonIJSON(t *testing.T) {
	for name, in := range map[string]string{
		"duplicate member": `{"a":1,"a":2}`,
		"invalid UTF-8":    "{\"a\":\"\xff\"}",
		"trailing data":    `{"a":1} {"b":2}`,
		"too large":        `[1e400]`,
		"unterminated":     `{"a":[1,2}`,
		"too deep":         strings.Repeat("[", 100) + strings.Repeat("]", 100),
		"lone surrogate":   `["\ud800"]`,
		"low surrogate":    `["\udc00\ud800"]`,
		"raw control":      "[\"a\x01\"]",
		"leading zero":     `[01]`,
		"bare dot":         `[1.]`,
		"unknown escape":   `["\x"]`,
		"single quotes":    `{'a':1}`,
		"empty":            ``,
	} {
		if got, err := Canonical([]byte(in)); err == nil {
			t.Errorf("%s: got %s, want an error", name, got)
		}
	}
}

func TestCanonicalIsIdempotent(t *testing.T) {
	in := `{"b":[1.0,-0,{"z":"\u003c/script\u003e","a":"\u2028"}],"a":"x"}`
	once, err := Canonical([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	twice, err := Canonical(once)
	if err != nil || string(once) != string(twice) {
		t.Errorf("got %s then %s (%v)", once, twice, err)
	}
	if want := `{"a":"x","b":[1,0,{"a":"` + "\u2028" + `","z":"</script>"}]}`; string(once) != want {
		t.Errorf("got %s, want %s", once, want)
	}
}
