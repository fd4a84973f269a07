package server

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
)

// The release page as people read it, served from the in-memory ports of
// dashboard_bench_test.go: what #19 and #20 ask of it.

type memReceipts struct {
	chain []receipt.Signed
	err   error
}

func (m *memReceipts) Receipts(context.Context, release.Key) ([]receipt.Signed, error) {
	return m.chain, m.err
}

const (
	pageHead  = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
	codeItem  = "unit-tests-comprehensive-and-passing"
	checkItem = "sql-injection-prevention-verified"
)

var pageT0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// pageRelease is a release of the default checklist with a code span and
// markup in one item's title, a failing and a passing check, and an audit
// trail naming items by id.
func pageRelease(t *testing.T) (*checklist.Config, *release.State) {
	t.Helper()
	cfg, err := checklist.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	e, ok := cfg.Item(codeItem)
	if !ok {
		t.Fatal("no unit tests item")
	}
	e.Item.Title = "Unit tests run with `go test ./...` <script>alert(1)</script>"
	s := release.New(release.Key{Owner: "acme", Repo: "shop", PR: 1})
	s.Title, s.HeadSHA, s.OpenedAt = "Release 1", pageHead, pageT0
	s.Checks = map[string]release.CheckResult{
		"sast@" + pageHead: {Name: "sast", Kind: "check_run", SHA: pageHead, Status: "completed", Conclusion: "failure", At: pageT0.Add(time.Hour)},
	}
	s.Audit = []release.AuditEntry{{At: pageT0.Add(2 * time.Hour), Actor: "rita", Action: "ticked", Detail: checkItem + " by command"}}
	return cfg, s
}

func serve(t *testing.T, d Dashboard, path string) string {
	t.Helper()
	sealer, _ := NewSealer([]byte(strings.Repeat("s", 32)))
	d.Accounts, d.Marks, d.Sealer = memAccounts{}, memMarks{}, sealer
	d.Now = func() time.Time { return pageT0.Add(3 * time.Hour) }
	h := New(Deps{Dashboard: &d})
	v, _ := sealer.Seal(purposeSession, Session{ID: "x", Login: "sam", Token: "t", CSRF: "c", Issued: pageT0, Expires: pageT0.Add(8 * time.Hour)})
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(&http.Cookie{Name: "golive_session", Value: v})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, w.Code, w.Body.String())
	}
	return w.Body.String()
}

func TestReleasePageReadable(t *testing.T) {
	cfg, s := pageRelease(t)
	m := &memReleases{cfg: cfg, states: map[release.Key]*release.State{s.Key: s}}
	page := serve(t, Dashboard{Releases: m}, "/releases/acme/shop/1")

	// Code spans render as code; the rest of the title is text.
	if !strings.Contains(page, "<code>go test ./...</code>") || strings.Contains(page, "`go test") {
		t.Error("the title's code span is not rendered as code")
	}
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("markup in a title is not escaped")
	}
	// golive's own notes hold code spans too.
	if !strings.Contains(page, "waiting for <code>/approve tech-lead</code>") {
		t.Error("a note's code span is not rendered as code")
	}
	// Every item has its anchor; the issue links done lines to it.
	for _, e := range cfg.Flatten() {
		if !strings.Contains(page, `<tr id="item-`+e.Item.ID+`"`) {
			t.Errorf("no row id=item-%s", e.Item.ID)
		}
	}
	if strings.Contains(page, "(optional) <span class=\"muted\">(optional)") {
		t.Error(`a title that says "(optional)" gets it twice`)
	}
	// The audit trail names the item by its title, linked to its row.
	e, _ := cfg.Item(checkItem)
	if !strings.Contains(page, `<a href="#item-`+checkItem+`">`+e.Item.Title+`</a> by command`) || strings.Contains(page, ": "+checkItem+" by command") {
		t.Error("the audit trail names the item by id, not by title")
	}
	// One clock: UTC in the text, no 12-hour times.
	if !strings.Contains(page, `<time datetime="2026-11-20T09:00:00Z" title="2026-11-20 09:00 UTC">2026-11-20 09:00 UTC</time>`) {
		t.Error("the opening time is not a UTC <time> element")
	}
	if regexp.MustCompile(`\d (AM|PM)\b|MST|[+-]\d\d:\d\d<`).MatchString(page) {
		t.Error("a time is written in another clock than UTC")
	}
	// Sections fold: those that block first and open, complete ones shut.
	secs := regexp.MustCompile(`<details class="section" id="sec-[^"]+"( open)?>`).FindAllStringSubmatch(page, -1)
	if len(secs) < 5 || secs[0][1] != " open" || secs[len(secs)-1][1] != "" {
		t.Fatalf("sections %v: want the blocking ones open and first, the complete ones folded", secs)
	}
	closed := false
	for _, m := range secs {
		if m[1] == "" {
			closed = true
		} else if closed {
			t.Errorf("an open (blocking) section after a folded one: %v", secs)
			break
		}
	}
	// Without receipts there is no "as decided" part.
	if strings.Contains(page, "As decided at merge") {
		t.Error("an unmerged release without receipts shows a decision")
	}
}

// signedMerge signs the merge receipt of s with key.
func signedMerge(t *testing.T, cfg *checklist.Config, s *release.State, key ed25519.PrivateKey) receipt.Signed {
	t.Helper()
	r, err := receipt.Build(cfg, s, receipt.Point{Kind: receipt.KindMerge, ID: "merge", At: pageT0.Add(90 * time.Minute)}, receipt.Facts{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	sg, _, err := receipt.Sign(r, key)
	if err != nil {
		t.Fatal(err)
	}
	return sg
}

func TestReleasePageDecidedAtMerge(t *testing.T) {
	cfg, s := pageRelease(t)
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	pub := key.Public().(ed25519.PublicKey)
	sg := signedMerge(t, cfg, s, key)
	// Since the merge, the failing SAST check passed on a re-run.
	s.Status, s.MergedAt = release.StatusMerged, pageT0.Add(90*time.Minute)
	s.Checks["sast@"+pageHead] = release.CheckResult{Name: "sast", Kind: "check_run", SHA: pageHead, Status: "completed", Conclusion: "success", At: pageT0.Add(2 * time.Hour)}
	m := &memReleases{cfg: cfg, states: map[release.Key]*release.State{s.Key: s}}
	get := func(rc ReceiptChains, k ed25519.PublicKey) string {
		return serve(t, Dashboard{Releases: m, Receipts: rc, ReceiptKey: k}, "/releases/acme/shop/1")
	}

	page := get(&memReceipts{chain: []receipt.Signed{sg}}, pub)
	for _, want := range []string{"As decided at merge, and now", "<code>" + sg.Digest + "</code>", "verified with golive's public key",
		`<tr id="item-` + checkItem + `" class="changed">`, "Failing → Done", "Blocked: "} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, `<tr id="item-`+codeItem+`" class="changed">`) {
		t.Error("an item that did not change is marked changed")
	}

	// A receipt that does not verify is never shown as the decision.
	bad := sg
	bad.Signature = "A" + bad.Signature[1:]
	other := ed25519.NewKeyFromSeed([]byte(strings.Repeat("k", 32)))
	for name, tc := range map[string]struct {
		rc   ReceiptChains
		key  ed25519.PublicKey
		want string
	}{
		"tampered":      {&memReceipts{chain: []receipt.Signed{bad}}, pub, "does not verify"},
		"another key":   {&memReceipts{chain: []receipt.Signed{sg}}, other.Public().(ed25519.PublicKey), "does not verify"},
		"no key":        {&memReceipts{chain: []receipt.Signed{sg}}, nil, "no receipt key"},
		"unreadable":    {&memReceipts{err: errors.New("redis down")}, pub, "could not read"},
		"none recorded": {&memReceipts{}, pub, "No merge receipt is recorded"},
	} {
		page := get(tc.rc, tc.key)
		if !strings.Contains(page, tc.want) || strings.Contains(page, "The signed merge receipt beside") || strings.Contains(page, `class="changed"`) {
			t.Errorf("%s: the page shows a decision, or does not say %q", name, tc.want)
		}
	}
}

func TestInlineCodeHostile(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                          "plain",
		"waiting for `/approve x`":       "waiting for <code>/approve x</code>",
		"`a` and `b`":                    "<code>a</code> and <code>b</code>",
		"one ` unpaired":                 "one ` unpaired",
		"`<img src=x onerror=alert(1)>`": "<code>&lt;img src=x onerror=alert(1)&gt;</code>",
		"<b>x</b> `y` \"q\" 'a' &amp;":   "&lt;b&gt;x&lt;/b&gt; <code>y</code> &#34;q&#34; &#39;a&#39; &amp;amp;",
		"[link](javascript:alert(1))":    "[link](javascript:alert(1))",
	} {
		if got := string(inlineCode(in)); got != want {
			t.Errorf("inlineCode(%q) = %q, want %q", in, got, want)
		}
	}
}
