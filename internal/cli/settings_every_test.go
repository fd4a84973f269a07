package cli

import (
	"flag"
	"fmt"
	"strings"
	"testing"
)

// freeText are the settings any string is a value of (paths, names,
// secrets, lists parsed where they are used). A setting added with a
// typed value is not here, so TestEverySettingRefusesABadValue gives it
// a bad value; one added as free text must be listed, a decision.
var freeText = map[string]bool{
	"GOLIVE_CONFIG": true, "GOLIVE_PRIVATE_KEY_FILE": true, "GOLIVE_WEBHOOK_SECRET": true,
	"GOLIVE_WEBHOOK_SECRET_PREVIOUS": true, "GOLIVE_REDIS_URL": true, "GOLIVE_REDIS_PREFIX": true,
	"GOLIVE_CLIENT_ID": true, "GOLIVE_CLIENT_SECRET": true, "GOLIVE_SESSION_SECRET": true,
	"GOLIVE_LEDGER_KEY": true, "GOLIVE_RECEIPT_KEY": true, "GOLIVE_CREDENTIALS_FILE": true,
	"GOLIVE_PROBE_ALLOW": true,
	// A chat receiver's URL may carry a query; notify.New checks it when
	// golive starts, without echoing it (it holds the channel's token).
	"GOLIVE_NOTIFY_URL": true,
}

// badValue is a value the setting's type refuses.
func badValue(v flag.Value) (string, bool) {
	switch v.(type) {
	case *intValue, *int64Value:
		return "twelve", true
	case *boolValue:
		return "maybe", true
	case *durationValue:
		return "5", true // no unit
	case *choiceValue:
		return "loud", true
	case *urlValue:
		return "not-a-url", true
	case *addrValue:
		return "8080", true // a port with no colon
	case *keyValue:
		return "hunter2-is-not-a-key", true
	}
	return "", false
}

// TestEverySettingRefusesABadValue: each setting of settingSpecs() that
// has a type refuses a bad value, with an error that names the setting
// (and the value, unless it is a secret), and only that setting; the
// others take any text.
func TestEverySettingRefusesABadValue(t *testing.T) {
	typed := 0
	for _, d := range settingSpecs() {
		bad, ok := badValue(d.value(&settings{}))
		if !ok {
			if !freeText[d.env] {
				t.Errorf("%s takes any text but is not listed in freeText", d.env)
			}
			continue
		}
		if freeText[d.env] {
			t.Errorf("%s is typed but listed in freeText", d.env)
		}
		typed++
		t.Run(d.env, func(t *testing.T) {
			err := bindSettings(flag.NewFlagSet("t", flag.ContinueOnError), func(k string) string {
				if k == d.env {
					return bad
				}
				return ""
			}).finish()
			if err == nil {
				t.Fatalf("%s=%s accepted", d.env, bad)
			}
			want := fmt.Sprintf("%s=%q: ", d.env, bad)
			if d.secret {
				want = d.env + ": "
				if strings.Contains(err.Error(), bad) {
					t.Errorf("the error shows the secret's value: %v", err)
				}
			}
			if !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %q, want one error starting %q", err, want)
			}
		})
	}
	if typed < 15 {
		t.Errorf("only %d typed settings; the type switch in badValue misses some", typed)
	}
}
