package release

import "testing"

// TestOpensOnly: only comments whose every command can only open the gate
// may have their sync coalesced; one closing command makes it urgent.
func TestOpensOnly(t *testing.T) {
	for body, want := range map[string]bool{
		"/approve security":                   true,
		"Looks good.\n/approve qa\n/check ci": true,
		"/waive load-test too small\n/unhold": true,
		"/golive help":                        true,
		"/hold waiting for the vendor":        false,
		"/approve qa\n/revoke security":       false,
		"/uncheck ci":                         false,
		"/unwaive load-test":                  false,
		"/golive refresh":                     false,
		"no command here":                     false,
	} {
		if got := OpensOnly(body); got != want {
			t.Errorf("OpensOnly(%q) = %v, want %v", body, got, want)
		}
	}
}
