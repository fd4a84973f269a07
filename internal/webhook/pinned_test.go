package webhook

import (
	"encoding/json"
	"testing"
)

// TestParseSources: the converters keep who posted a result, so items
// that pin their sources can tell: check_run.app (slug and id) and the
// status event's sender (the event has no creator field).
func TestParseSources(t *testing.T) {
	var m map[string]any
	if err := json.Unmarshal(payload(t, "check_run/completed.json"), &m); err != nil {
		t.Fatal(err)
	}
	// Octokit's recorded payload predates the slug; GitHub sends it now.
	m["check_run"].(map[string]any)["app"].(map[string]any)["slug"] = "octocoders-linter"
	b, _ := json.Marshal(m)
	p, err := Parse("check_run", b, received)
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Event.Check; c.App != "octocoders-linter" || c.AppID != 29310 {
		t.Errorf("check run source: got app %q id %d, want octocoders-linter 29310", c.App, c.AppID)
	}
	p, err = Parse("status", payload(t, "status/payload.json"), received)
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Event.Check; c.Creator != "Codertocat" {
		t.Errorf("status source: got creator %q, want the sender Codertocat", c.Creator)
	}
}
