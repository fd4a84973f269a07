package server

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSealerRoundTripAndRefusals(t *testing.T) {
	key := []byte(strings.Repeat("k", 32))
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	in := Session{ID: "sid", Login: "sam", UserID: 7, Token: "ghu_secret", CSRF: "c", Issued: now, Expires: now.Add(8 * time.Hour)}
	sealed, err := s.Seal(purposeSession, in)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "ghu_secret") || strings.Contains(sealed, "sam") {
		t.Fatal("the sealed cookie shows its contents")
	}
	var out Session
	if err := s.Open(purposeSession, sealed, &out); err != nil || out.Token != in.Token || !out.Expires.Equal(in.Expires) {
		t.Fatalf("round trip: %v %+v", err, out)
	}
	// Two seals of one value differ (random nonce): a cookie says nothing
	// about whether two sessions are the same.
	if again, _ := s.Seal(purposeSession, in); again == sealed {
		t.Error("sealing twice gave the same cookie")
	}
	other, _ := NewSealer([]byte(strings.Repeat("x", 32)))
	for name, open := range map[string]func() error{
		"another purpose": func() error { return s.Open(purposeState, sealed, &out) },
		"another key":     func() error { return other.Open(purposeSession, sealed, &out) },
		"empty":           func() error { return s.Open(purposeSession, "", &out) },
		"not base64":      func() error { return s.Open(purposeSession, "***", &out) },
		"truncated":       func() error { return s.Open(purposeSession, sealed[:len(sealed)-4], &out) },
	} {
		if err := open(); !errors.Is(err, ErrBadCookie) {
			t.Errorf("%s: %v, want ErrBadCookie", name, err)
		}
	}
	for i := range sealed {
		b := []byte(sealed)
		b[i] ^= 0x01
		if s.Open(purposeSession, string(b), &out) == nil {
			t.Fatalf("a cookie changed at byte %d opened", i)
		}
	}
	if _, err := NewSealer([]byte("short")); err == nil {
		t.Error("a 5-byte secret was accepted")
	}
}

func TestSessionValid(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	ok := Session{ID: "s", Login: "sam", Token: "t", Issued: now.Add(-time.Hour), Expires: now.Add(time.Hour)}
	for name, tc := range map[string]struct {
		s    Session
		want bool
	}{
		"fresh":              {ok, true},
		"expired":            {Session{ID: "s", Login: "sam", Token: "t", Issued: now.Add(-9 * time.Hour), Expires: now.Add(-time.Hour)}, false},
		"expires now":        {Session{ID: "s", Login: "sam", Token: "t", Issued: now.Add(-time.Hour), Expires: now}, false},
		"issued in a future": {Session{ID: "s", Login: "sam", Token: "t", Issued: now.Add(time.Hour), Expires: now.Add(2 * time.Hour)}, false},
		"no token":           {Session{ID: "s", Login: "sam", Issued: now, Expires: now.Add(time.Hour)}, false},
	} {
		if got := tc.s.Valid(now); got != tc.want {
			t.Errorf("%s: got %v, want %v", name, got, tc.want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/releases/o/r/1":       "/releases/o/r/1",
		"/releases?waiting=me":  "/releases?waiting=me",
		"":                      "/releases",
		"https://evil.example/": "/releases",
		"//evil.example/x":      "/releases",
		"/\\evil.example":       "/releases",
		"/x\r\nSet-Cookie: a=b": "/releases",
		"javascript:alert(1)":   "/releases",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
