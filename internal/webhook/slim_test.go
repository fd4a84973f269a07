package webhook

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/release"
)

// fromGoGitHub decodes a CI event with go-github's full types, as Parse
// did before the slim types, and keeps what the slim types keep.
func fromGoGitHub(t *testing.T, event string, payload []byte) (any, error) {
	t.Helper()
	raw, err := github.ParseWebHook(event, payload)
	if err != nil {
		return nil, err
	}
	env := func(action string, r *github.Repository, inst *github.Installation, sender *github.User) slimEnvelope {
		e := slimEnvelope{Action: action}
		if r != nil {
			e.Repository = &slimRepo{ID: r.GetID(), Name: r.GetName(), Owner: slimUser{Login: r.GetOwner().GetLogin(), Type: r.GetOwner().GetType()}}
		}
		if inst != nil {
			e.Installation = &slimInstallation{ID: inst.GetID()}
		}
		if sender != nil {
			e.Sender = &slimUser{Login: sender.GetLogin(), Type: sender.GetType()}
		}
		return e
	}
	app := func(a *github.App) *slimApp {
		if a == nil {
			return nil
		}
		return &slimApp{ID: a.GetID(), Slug: a.GetSlug(), Name: a.GetName()}
	}
	prs := func(in []*github.PullRequest) []slimPR {
		if in == nil {
			return nil
		}
		out := []slimPR{}
		for _, pr := range in {
			out = append(out, slimPR{Number: pr.GetNumber()})
		}
		return out
	}
	switch e := raw.(type) {
	case *github.CheckRunEvent:
		out := &slimCheckRun{slimEnvelope: env(e.GetAction(), e.Repo, e.Installation, e.Sender)}
		if cr := e.CheckRun; cr != nil {
			out.CheckRun = &slimCheckRunObject{cr.GetID(), cr.GetName(), cr.GetHeadSHA(), cr.GetHTMLURL(), cr.GetStatus(), cr.GetConclusion(), cr.StartedAt, cr.CompletedAt, app(cr.App), prs(cr.PullRequests)}
		}
		return out, nil
	case *github.CheckSuiteEvent:
		out := &slimCheckSuite{slimEnvelope: env(e.GetAction(), e.Repo, e.Installation, e.Sender)}
		if cs := e.CheckSuite; cs != nil {
			out.CheckSuite = &slimCheckSuiteObject{cs.GetID(), cs.GetHeadSHA(), cs.GetStatus(), cs.GetConclusion(), cs.UpdatedAt, app(cs.App), prs(cs.PullRequests)}
		}
		return out, nil
	case *github.StatusEvent:
		return &slimStatus{slimEnvelope: env("", e.Repo, e.Installation, e.Sender), ID: e.GetID(), SHA: e.GetSHA(),
			Context: e.GetContext(), State: e.GetState(), TargetURL: e.GetTargetURL(), UpdatedAt: e.UpdatedAt}, nil
	}
	t.Fatalf("go-github decoded %s as %T", event, raw)
	return nil, nil
}

// variants are a real payload and edits of it that GitHub sends too: an
// app with a slug, none, a bot sender, no installation, a result not yet
// complete, no pull requests.
func variants(t *testing.T, event string, b []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{"as recorded": b}
	edit := func(name string, fn func(m map[string]any)) {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		fn(m)
		e, _ := json.Marshal(m)
		out[name] = e
	}
	obj := map[string]string{"check_run": "check_run", "check_suite": "check_suite"}[event]
	edit("bot sender, no installation", func(m map[string]any) {
		m["sender"].(map[string]any)["type"] = "Bot"
		delete(m, "installation")
	})
	edit("no repository", func(m map[string]any) { delete(m, "repository") })
	if obj == "" {
		edit("no times", func(m map[string]any) { m["updated_at"] = nil })
		return out
	}
	edit("app with a slug", func(m map[string]any) { m[obj].(map[string]any)["app"].(map[string]any)["slug"] = "octocoders-linter" })
	edit("no app", func(m map[string]any) { m[obj].(map[string]any)["app"] = nil })
	edit("no pull requests, not complete", func(m map[string]any) {
		o := m[obj].(map[string]any)
		o["pull_requests"], o["conclusion"], o["status"] = []any{}, nil, "in_progress"
		o["completed_at"], o["updated_at"] = nil, nil
	})
	edit("no object", func(m map[string]any) { delete(m, obj) })
	return out
}

// TestSlimDecodingAgreesWithGoGitHub: the slim types decode every CI
// payload GitHub publishes (testdata/webhooks), and edits of them, to the
// values go-github's full types give. go-github refuses one payload
// outright (check_run/rerequested.json: its app's created_at is not
// RFC 3339), which golive dead-lettered as malformed before the slim
// types; it reads no field of the app but its id and slug, and now
// takes it (TestParseRerequestedGoGitHubRefuses).
func TestSlimDecodingAgreesWithGoGitHub(t *testing.T) {
	n, refused := 0, map[string]bool{}
	for _, event := range []string{"check_run", "check_suite", "status"} {
		files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "webhooks", event, "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no %s payloads: %v", event, err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for name, v := range variants(t, event, b) {
				got, err := decodeSlim(event, v)
				if err != nil {
					t.Fatalf("%s, %s: %v", f, name, err)
				}
				want, err := fromGoGitHub(t, event, v)
				if err != nil {
					refused[filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f)] = true
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s, %s:\nslim      %+v\ngo-github %+v", f, name, got, want)
				}
				n++
			}
		}
	}
	if len(refused) != 1 || !refused["check_run/rerequested.json"] {
		t.Errorf("go-github refused %v; want check_run/rerequested.json alone", refused)
	}
	t.Logf("%d payloads decoded alike", n)
}

// TestSlimRefusesWhatIsNotJSON: the slim decoding still refuses a payload
// that is not JSON, or whose fields golive reads have the wrong type, as
// malformed (the worker dead-letters it at once).
func TestSlimRefusesWhatIsNotJSON(t *testing.T) {
	for _, c := range []struct{ event, body string }{
		{"check_run", `{"action":"completed","check_run":{"id":1`},
		{"check_run", `{"action":"completed","check_run":{"id":"one"}}`},
		{"status", `{"sha":["x"]}`},
		{"check_suite", `not json`},
	} {
		if _, err := Parse(c.event, []byte(c.body), received); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s %q: %v, want ErrMalformed", c.event, c.body, err)
		}
	}
}

// TestParseRerequestedGoGitHubRefuses: the rerun GitHub recorded, which
// go-github's types refuse (its app's created_at is "2018-04-25
// 20:42:10"), is read as a rerun: the check's result no longer stands.
func TestParseRerequestedGoGitHubRefuses(t *testing.T) {
	b := payload(t, "check_run/rerequested.json")
	if _, err := github.ParseWebHook("check_run", b); err == nil {
		t.Fatal("go-github takes the payload now; this test's reason is gone")
	}
	p, err := Parse("check_run", b, received)
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Event.Check; p.Event.Kind != release.EvCheck || c == nil || c.Status != "queued" || c.Conclusion != "" || !p.Event.At.Equal(received) ||
		p.Owner != "github" || p.Repo != "hello-world" {
		t.Errorf("parsed %+v, check %+v; want a queued rerun of github/hello-world at its receipt", p, c)
	}
}

// TestParseCIEnvelope: a CI event's installation and sender reach the
// release event: the installation golive answers with, and whether a
// bot posted it.
func TestParseCIEnvelope(t *testing.T) {
	for event, file := range map[string]string{"check_run": "check_run/completed.json", "check_suite": "check_suite/completed.json", "status": "status/payload.json"} {
		var m map[string]any
		if err := json.Unmarshal(payload(t, file), &m); err != nil {
			t.Fatal(err)
		}
		m["installation"] = map[string]any{"id": 42}
		m["sender"].(map[string]any)["type"] = "Bot"
		b, _ := json.Marshal(m)
		p, err := Parse(event, b, received)
		if err != nil {
			t.Fatal(err)
		}
		if p.Event.Installation != 42 || !p.Event.Actor.Bot || p.Event.Actor.Login == "" {
			t.Errorf("%s: installation %d, actor %+v; want 42 and a bot", file, p.Event.Installation, p.Event.Actor)
		}
	}
}
