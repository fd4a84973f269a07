package receipt

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// TestReceiptsMatchTheirJSONSchema: config/receipt.schema.json describes
// every kind of receipt golive signs, and refuses a receipt missing a field.
func TestReceiptsMatchTheirJSONSchema(t *testing.T) {
	raw, err := os.ReadFile("../../config/receipt.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("receipt.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("receipt.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := defaultConfig(t)
	s := fullRelease(t, cfg)
	s.Hold = &release.Hold{By: "eve", At: t0, Reason: "freeze"}
	s.Waivers["incident-response-plan-documented"] = release.Waiver{By: "dana", At: t0, Reason: "group plan", Expires: t0.Add(48 * time.Hour)}
	s.Signoffs[0].VoidedAt, s.Signoffs[0].VoidReason = t0, "the head changed"
	f := facts()
	for _, p := range []Point{{Kind: KindMerge, ID: "merge", At: s.MergedAt},
		GatePoint(GateDecision{Environment: "production", RunID: 9, SHA: s.HeadSHA, Missing: []string{"x"}}, s.MergedAt),
		{Kind: KindWindowClosed, ID: "window:7d", At: s.MergedAt.Add(7 * 24 * time.Hour), Window: checklist.Phase7d}} {
		_, file, _ := signed(t, cfg, s, p, f, testKey(t, 1))
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s receipt does not match the schema: %v", p.ID, err)
		}
		f.Previous = Digest(file)
	}
	_, file, _ := signed(t, cfg, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, f, testKey(t, 1))
	broken := bytes.Replace(file, []byte(`"decided_at":`), []byte(`"decided":`), 1)
	v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(broken))
	if err := sch.Validate(v); err == nil {
		t.Error("the schema accepts a receipt without decided_at")
	}
}
