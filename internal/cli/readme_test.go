package cli

import (
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/webhook"
)

// TestReadmePermissionsMatchManifest: the README's permission and event
// list is the App manifest's, row for row, and golive handles exactly the
// events the manifest subscribes to (ping aside, which GitHub always sends).
func TestReadmePermissionsMatchManifest(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../deploy/github-app.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Permissions map[string]string `json:"default_permissions"`
		Events      []string          `json:"default_events"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "<!-- permissions -->")
	block, _, ok2 := strings.Cut(block, "<!-- /permissions -->")
	if !ok || !ok2 {
		t.Fatal("README has no <!-- permissions --> block")
	}
	got := map[string]string{}
	for _, row := range regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\([^)]*\\) \\| ([a-z]+) \\|").FindAllStringSubmatch(block, -1) {
		got[row[1]] = row[2]
	}
	if !maps.Equal(got, m.Permissions) {
		t.Errorf("README permissions %v, manifest %v", got, m.Permissions)
	}
	_, evLine, _ := strings.Cut(block, "Events:")
	var events []string
	for _, e := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(evLine, -1) {
		events = append(events, e[1])
	}
	if !slices.Equal(events, m.Events) {
		t.Errorf("README events %v, manifest %v", events, m.Events)
	}
	handled := slices.Sorted(maps.Keys(webhook.Handled))
	handled = slices.DeleteFunc(handled, func(e string) bool { return e == "ping" })
	subscribed := slices.Sorted(slices.Values(m.Events))
	if !slices.Equal(handled, subscribed) {
		t.Errorf("golive handles %v, the manifest subscribes to %v", handled, subscribed)
	}
}
